package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.config.StrictJson;
import io.myelin.data.Normalizer;
import io.myelin.saving.ModelFiles;
import io.myelin.train.ModelSpec;
import io.myelin.train.Sequential;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run directory written by {@code myelin train}, loaded back: spec, weights, input normalization, the parsed
 * model.json and the {@link DataProfile} saved in it (null for a run written before profiles were saved).
 */
record SavedModel(Sequential model, Normalizer normalizer, Map<String, Object> modelJson, DataProfile profile)
        implements AutoCloseable {

    static SavedModel load(Path dir, Backend backend) {
        return load(dir, read(dir), backend);
    }

    /**
     * A run directory's model.json, read and checked without a backend (its spec's layer shapes, normalization and
     * data profile), so that a command can read its data and refuse a mistake before a backend starts.
     */
    static Map<String, Object> read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": no such run directory");
        }
        Map<String, Object> m = readModelJson(dir);
        spec(dir, m).outputShape();
        normalizer(m);
        DataProfile.readFrom(m);
        return m;
    }

    /** The run in {@code dir} whose model.json {@link #read} returned, built on {@code backend} with its weights. */
    static SavedModel load(Path dir, Map<String, Object> m, Backend backend) {
        Sequential model = spec(dir, m).build(backend, seed(m));
        try {
            ModelFiles.loadInitialWeights(model, dir.resolve("weights.safetensors"));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        try {
            return new SavedModel(model, normalizer(m), m, DataProfile.readFrom(m));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The parsed model.json of a run directory; a {@link UserError} when the directory is not one. */
    static Map<String, Object> readModelJson(Path dir) {
        Path json = dir.resolve("model.json");
        Path weights = dir.resolve("weights.safetensors");
        if (!Files.isRegularFile(json) || !Files.isRegularFile(weights)) {
            throw new UserError(dir + " is not a model directory: it needs model.json and weights.safetensors");
        }
        return readModelJsonFile(json);
    }

    /** The parsed model.json file {@code json}, read strictly (UTF-8, one object, nothing after it). */
    static Map<String, Object> readModelJsonFile(Path json) {
        return StrictJson.readObject(json, "run file");
    }

    @SuppressWarnings("unchecked")
    static ModelSpec spec(Path dir, Map<String, Object> modelJson) {
        if (!(modelJson.get("spec") instanceof Map<?, ?> spec)) {
            throw new UserError(dir.resolve("model.json") + " has no 'spec' object (not written by myelin train?)");
        }
        return ModelSpec.of((Map<String, Object>) spec);
    }

    static long seed(Map<String, Object> modelJson) {
        return modelJson.get("seed") instanceof Number n ? n.longValue() : 42L;
    }

    @SuppressWarnings("unchecked")
    static Normalizer normalizer(Map<String, Object> modelJson) {
        return modelJson.get("normalization") instanceof Map<?, ?> nm ? Normalizer.fromMap((Map<String, ?>) nm) : null;
    }

    @Override
    public void close() {
        model.close();
    }
}
