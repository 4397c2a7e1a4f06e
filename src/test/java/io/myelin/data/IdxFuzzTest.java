package io.myelin.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.myelin.config.MemoryLimitException;
import io.myelin.fuzz.FuzzFiles;
import io.myelin.fuzz.UserErrors;

import java.nio.file.Path;

/**
 * Fuzzes the IDX reader (plain and gzipped, as images and as labels): a result within the cap, or a
 * {@link DataException} / {@link MemoryLimitException}, nothing else ({@link UserErrors}). {@code mvn test}
 * replays {@code src/test/resources/io/myelin/data/IdxFuzzTestInputs/idxFile}; {@code scripts/fuzz.sh} fuzzes.
 */
class IdxFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void idxFile(byte[] input) {
        Path file = FuzzFiles.write("idx-input", input);
        IdxReader.IdxImages images = UserErrors.outcome(() -> IdxReader.readImages(file),
                DataException.class, MemoryLimitException.class);
        if (images != null) {
            UserErrors.withinCap(images.pixels().length * 4L, "the images");
            if (images.pixels().length != (long) images.count() * images.rows() * images.cols()) {
                throw new AssertionError("images " + images.count() + "x" + images.rows() + "x" + images.cols()
                        + " came back with " + images.pixels().length + " pixels");
            }
        }
        int[] labels = UserErrors.outcome(() -> IdxReader.readLabels(file), DataException.class,
                MemoryLimitException.class);
        if (labels != null) {
            UserErrors.withinCap(labels.length * 4L, "the labels");
        }
    }
}
