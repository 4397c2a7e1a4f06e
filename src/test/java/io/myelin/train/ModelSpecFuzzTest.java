package io.myelin.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.myelin.backend.Backend;
import io.myelin.config.ConfigException;
import io.myelin.config.MemoryLimitException;
import io.myelin.config.TextFiles;
import io.myelin.fuzz.UserErrors;
import io.myelin.testing.UseBackend;

/**
 * Fuzzes the model spec from the file's bytes on: UTF-8 decoding ({@link TextFiles}), strict JSON, every spec
 * object, and building the model on the CPU under the cap (so a size the cap cannot hold must be refused
 * before it is allocated). A model, or a {@link ConfigException} / {@link IllegalArgumentException} /
 * {@link MemoryLimitException}, nothing else ({@link UserErrors}).
 */
class ModelSpecFuzzTest {
    @UseBackend("cpu")
    private static Backend CPU;

    @FuzzTest(maxDuration = "60s")
    void specFile(byte[] input) {
        UserErrors.outcome(() -> {
            ModelSpec spec = ModelSpec.parse(TextFiles.decode(input, "model spec spec.json"), "spec.json");
            try (Sequential model = spec.build(CPU, 1)) {
                long params = model.namedTensors().stream().mapToLong(p -> p.value().size()).sum();
                UserErrors.withinCap(params * 4, "the model's parameters");
            }
            return spec;
        }, ConfigException.class, IllegalArgumentException.class, MemoryLimitException.class);
    }
}
