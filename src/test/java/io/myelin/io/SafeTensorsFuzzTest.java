package io.myelin.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.myelin.config.MemoryLimitException;
import io.myelin.fuzz.FuzzFiles;
import io.myelin.fuzz.UserErrors;

import java.nio.file.Path;

/**
 * Fuzzes the safetensors reader: a file within the cap, or a {@link ModelFileException} /
 * {@link MemoryLimitException}, nothing else ({@link UserErrors}).
 */
class SafeTensorsFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void safetensorsFile(byte[] input) {
        Path file = FuzzFiles.write("input.safetensors", input);
        SafeTensorsFile f = UserErrors.outcome(() -> SafeTensors.read(file), ModelFileException.class,
                MemoryLimitException.class);
        if (f != null) {
            long floats = 0;
            for (NamedTensor t : f.tensors().values()) {
                floats += t.data().length;
            }
            UserErrors.withinCap(floats * 4, "the tensors");
        }
    }
}
