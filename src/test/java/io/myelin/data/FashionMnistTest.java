package io.myelin.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void errorSaysWhereItLookedAndHowToGetTheData() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path system = dir.resolve("not-installed");
        DataException e = assertThrows(DataException.class,
                () -> FashionMnist.locate(Map.of("MYELIN_DATA", empty.toString()), List.of(system)));
        String m = e.getMessage();
        for (String part : List.of(empty + " (lacks train-images-idx3-ubyte, train-labels-idx1-ubyte",
                empty.resolve("fashion-mnist") + " (no such directory)", system + " (no such directory)",
                "sudo apt-get install dataset-fashion-mnist", "MYELIN_DATA=DIR",
                "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz")) {
            assertTrue(m.contains(part), "expected '" + part + "' in: " + m);
        }
        assertTrue(!m.contains("\n"), "one line");
    }

    @Test
    void findsTheFilesInMyelinDataOrItsFashionMnistSubdirectory() throws IOException {
        Path direct = dir.resolve("direct");
        IdxFiles.writeDirectory(direct);
        assertEquals(direct, FashionMnist.locate(Map.of("MYELIN_DATA", direct.toString()), List.of()));

        Path parent = dir.resolve("parent");
        IdxFiles.writeDirectory(parent.resolve("fashion-mnist"));
        assertEquals(parent.resolve("fashion-mnist"), FashionMnist.locate(Map.of("MYELIN_DATA", parent.toString()), List.of()));

        // Without MYELIN_DATA the system directory is used.
        assertEquals(direct, FashionMnist.locate(Map.of(), List.of(dir.resolve("absent"), direct)));
    }

    @Test
    void loadedClassesCarryTheFashionNames() throws IOException {
        IdxFiles.writeDirectory(dir);
        TrainTest tt = FashionMnist.load(dir);
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover"), tt.train().classNames().subList(0, 3));
        assertEquals(10, tt.test().numClasses());
    }

    @Test
    void theDebianPackageHasSixtyThousandTrainingImages() {
        assumeTrue(IdxDirectory.missingFiles(FashionMnist.DEBIAN_DIR).isEmpty(),
                "skipped: Fashion-MNIST is not installed in " + FashionMnist.DEBIAN_DIR
                        + " (sudo apt-get install dataset-fashion-mnist)");
        TrainTest fm = FashionMnist.load(FashionMnist.locate(Map.of(), List.of(FashionMnist.DEBIAN_DIR)));
        assertEquals(60000, fm.train().n());
        assertEquals(10000, fm.test().n());
        assertArrayEquals(new int[] {28, 28}, fm.train().featureShape());
        assertEquals(784, fm.test().numFeatures());
        assertEquals(10, fm.train().numClasses());
        int[] perClass = new int[10];
        for (int label : fm.train().classLabels()) {
            perClass[label]++;
        }
        // Fashion-MNIST is balanced: 6,000 training images per class.
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, perClass);
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : fm.test().x()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(255f, max);
    }
}
