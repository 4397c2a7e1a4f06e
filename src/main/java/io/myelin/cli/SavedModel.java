package io.myelin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.myelin.backend.Backend;
import io.myelin.data.Normalizer;
import io.myelin.io.ModelFiles;
import io.myelin.train.ModelSpec;
import io.myelin.train.Sequential;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A run directory written by {@code myelin train}, loaded back: spec, weights and input normalization. */
record SavedModel(Sequential model, Normalizer normalizer) implements AutoCloseable {

    @SuppressWarnings("unchecked")
    static SavedModel load(Path dir, Backend backend) {
        Path json = dir.resolve("model.json");
        Path weights = dir.resolve("weights.safetensors");
        if (!Files.isRegularFile(json) || !Files.isRegularFile(weights)) {
            throw new UserError(dir + " is not a model directory: it needs model.json and weights.safetensors");
        }
        Map<String, Object> m;
        try {
            m = new ObjectMapper().readValue(json.toFile(), Map.class);
        } catch (IOException e) {
            throw new UserError(json + " is not valid JSON: " + e.getMessage());
        }
        if (!(m.get("spec") instanceof Map<?, ?> spec)) {
            throw new UserError(json + " has no 'spec' object (not written by myelin train?)");
        }
        long seed = m.get("seed") instanceof Number n ? n.longValue() : 42L;
        Sequential model = ModelSpec.of((Map<String, Object>) spec).build(backend, seed);
        try {
            ModelFiles.loadInitialWeights(model, weights);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        Normalizer norm = m.get("normalization") instanceof Map<?, ?> nm ? Normalizer.fromMap((Map<String, ?>) nm) : null;
        return new SavedModel(model, norm);
    }

    @Override
    public void close() {
        model.close();
    }
}
