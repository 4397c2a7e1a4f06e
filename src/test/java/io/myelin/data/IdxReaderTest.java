package io.myelin.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static io.myelin.data.IdxFiles.gzip;
import static io.myelin.data.IdxFiles.idx;
import static io.myelin.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static final byte[] PIXELS = {0, 1, 127, (byte) 128, (byte) 254, (byte) 255, 9, 8, 7, 6, 5, 4};
    private static final float[] PIXEL_VALUES = {0, 1, 127, 128, 254, 255, 9, 8, 7, 6, 5, 4};

    private static void assertMessage(DataException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void readsPlainAndGzippedImagesAsRawByteValues() throws IOException {
        byte[] raw = idx(IdxReader.MAGIC_IMAGES, new int[] {2, 2, 3}, PIXELS);
        // Names deliberately hide the compression: detection is by magic bytes.
        for (Path file : new Path[] {write(dir.resolve("plain"), raw), write(dir.resolve("zipped"), gzip(raw))}) {
            IdxReader.IdxImages img = IdxReader.readImages(file);
            assertEquals(2, img.count());
            assertEquals(2, img.rows());
            assertEquals(3, img.cols());
            assertArrayEquals(PIXEL_VALUES, img.pixels(), file.toString());
        }
    }

    @Test
    void readsLabelsAndPairsThemWithImages() throws IOException {
        Path images = write(dir.resolve("img.gz"), gzip(idx(IdxReader.MAGIC_IMAGES, new int[] {2, 2, 3}, PIXELS)));
        Path labels = write(dir.resolve("lab"), idx(IdxReader.MAGIC_LABELS, new int[] {2}, new byte[] {9, 0}));
        assertArrayEquals(new int[] {9, 0}, IdxReader.readLabels(labels));
        Dataset d = IdxReader.read(images, labels, 10);
        assertEquals(2, d.n());
        assertArrayEquals(new int[] {2, 3}, d.featureShape());
        assertEquals(6, d.numFeatures());
        assertArrayEquals(new int[] {9, 0}, d.classLabels());
        assertArrayEquals(Arrays.copyOfRange(PIXEL_VALUES, 6, 12), d.row(1));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(images, labels, 5)),
                "label 9", "outside 0..4");
    }

    @Test
    void wrongMagicNamesTheFileAndBothNumbersInHex() throws IOException {
        Path labels = write(dir.resolve("train-labels-idx1-ubyte"), idx(IdxReader.MAGIC_LABELS, new int[] {1}, new byte[] {3}));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.readImages(labels)),
                labels.toString(), "magic number 0x00000801", "expected 0x00000803");
        Path text = write(dir.resolve("notes.txt"), "hello world, not idx".getBytes());
        assertMessage(assertThrows(DataException.class, () -> IdxReader.readLabels(text)),
                "magic number 0x68656c6c", "expected 0x00000801");
    }

    @Test
    void truncatedDataSaysHowManyBytesWereExpected() throws IOException {
        byte[] full = idx(IdxReader.MAGIC_IMAGES, new int[] {2, 2, 3}, PIXELS);
        byte[] cut = Arrays.copyOf(full, full.length - 5);
        Path plain = write(dir.resolve("cut"), cut);
        assertMessage(assertThrows(DataException.class, () -> IdxReader.readImages(plain)),
                "file " + plain + " is truncated: expected 12 bytes of data, found 7");
        Path zipped = write(dir.resolve("cut.gz"), gzip(cut));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.readImages(zipped)),
                "is truncated: expected 12 bytes of data, found 7");
    }

    @Test
    void truncatedHeaderAndTruncatedGzipStream() throws IOException {
        Path header = write(dir.resolve("header"), new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0});
        assertMessage(assertThrows(DataException.class, () -> IdxReader.readImages(header)),
                "is truncated", "16 bytes of header");
        byte[] gz = gzip(idx(IdxReader.MAGIC_IMAGES, new int[] {2, 2, 3}, PIXELS));
        Path cutGz = write(dir.resolve("cutgz"), Arrays.copyOf(gz, gz.length - 12));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.readImages(cutGz)),
                cutGz.toString(), "truncated");
    }

    @Test
    void extraBytesAndCountMismatchAreErrors() throws IOException {
        byte[] full = idx(IdxReader.MAGIC_IMAGES, new int[] {2, 2, 3}, PIXELS);
        Path extra = write(dir.resolve("extra"), Arrays.copyOf(full, full.length + 1));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.readImages(extra)), "extra bytes");
        Path images = write(dir.resolve("img"), full);
        Path labels = write(dir.resolve("lab"), idx(IdxReader.MAGIC_LABELS, new int[] {3}, new byte[] {1, 2, 3}));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(images, labels, 10)),
                "has 2 images", "has 3 labels");
    }

    @Test
    void missingFileIsNamed() {
        Path none = dir.resolve("absent-idx3-ubyte");
        assertMessage(assertThrows(DataException.class, () -> IdxReader.readImages(none)), none + " does not exist");
    }

    @Test
    void idxDirectoryLoadsTheFourFilesGzippedOrNot() throws IOException {
        IdxFiles.writeDirectory(dir);
        TrainTest tt = IdxDirectory.load(dir);
        assertEquals(7, tt.train().n());
        assertEquals(4, tt.test().n());
        assertEquals(3, tt.train().numClasses());
        assertEquals(3, tt.test().numClasses());
        assertArrayEquals(new int[] {0, 1, 2, 0}, tt.test().classLabels());
        assertArrayEquals(new float[] {120, 121, 122, 123, 124, 125}, tt.train().row(3));
    }

    @Test
    void idxDirectoryListsMissingFiles() throws IOException {
        IdxFiles.writeSet(dir, IdxDirectory.TRAIN_IMAGES, IdxDirectory.TRAIN_LABELS, 3, true);
        assertEquals(java.util.List.of(IdxDirectory.TEST_IMAGES, IdxDirectory.TEST_LABELS), IdxDirectory.missingFiles(dir));
        assertMessage(assertThrows(DataException.class, () -> IdxDirectory.load(dir)),
                dir.toString(), "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte");
    }
}
