package io.myelin;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layering of persistence, read from the sources: {@code io} is a leaf that knows no model (formats and file
 * mechanics only), and {@code train} does not import {@code saving}, the package above it that saves models, so
 * the two cannot import each other again.
 */
class PersistencePackagesTest {
    private static final Path MAIN = Path.of(System.getProperty("basedir", ".")).resolve("src/main/java/io/myelin");

    /** {@code file: line} for every line of the package's sources that names one of {@code packages}. */
    private static List<String> mentions(String pkg, String... packages) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    for (String p : packages) {
                        if (lines.get(i).contains(p)) {
                            found.add(MAIN.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        return found;
    }

    @Test
    void ioKnowsNoModel() throws IOException {
        List<String> found = mentions("io", "io.myelin.train", "io.myelin.nn", "io.myelin.optim", "io.myelin.tensor",
                "io.myelin.backend", "io.myelin.cli", "import io.myelin.saving");
        assertTrue(mentions("saving", "import io.myelin.io.").size() > 3, "the sources were read from " + MAIN);
        assertTrue(found.isEmpty(), "io is a leaf (it may use config only): " + found);
    }

    @Test
    void trainDoesNotImportSaving() throws IOException {
        List<String> found = mentions("train", "import io.myelin.saving", "import io.myelin.cli");
        assertTrue(found.isEmpty(), "saving and cli are above train: " + found);
    }
}
