package io.myelin.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A scratch file under {@code target/fuzz-files} that a fuzz input is written to (readers take paths). */
public final class FuzzFiles {
    private static final Path DIR = Path.of("target", "fuzz-files");

    private FuzzFiles() {
    }

    /** Writes {@code bytes} to {@code target/fuzz-files/<name>} and returns that path. */
    public static Path write(String name, byte[] bytes) {
        try {
            Files.createDirectories(DIR);
            return Files.write(DIR.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh scratch directory {@code target/fuzz-files/<name>} (emptied of plain files). */
    public static Path dir(String name) {
        try {
            Path d = Files.createDirectories(DIR.resolve(name));
            try (var files = Files.list(d)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f)) {
                        Files.delete(f);
                    }
                }
            }
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
