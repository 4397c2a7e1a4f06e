package io.myelin.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.myelin.io.AtomicFiles;
import io.myelin.io.CheckpointCommit;
import io.myelin.io.OutputWriteException;
import io.myelin.nn.Layer;
import io.myelin.saving.Checkpoints;
import io.myelin.train.History;
import io.myelin.train.ModelSpec;
import io.myelin.train.Sequential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a training run's directory: {@code model.json}, {@code weights.safetensors}, {@code
 * optimizer.safetensors} and {@code training_state.json} (the resumable checkpoint, see {@link Checkpoints}),
 * {@code history.csv}, {@code metrics.json}, {@code curves.png}. {@link #checkpointFiles} are the first
 * five after an epoch ({@link RunCheckpoints}), {@link #write} all of them at the end. Files are committed as a group
 * by {@link CheckpointCommit} (temporaries, then the manifest {@code checkpoint.json} renamed last), so a crash
 * at any instant leaves the last complete checkpoint and a resumed run can write over its own directory.
 */
final class RunOutputs {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunOutputs() {
    }

    /**
     * @param training  model.json's {@code training} object (data source, label column, schedule length)
     * @param resumable whether the model is at a completed epoch (false after divergence: the weights were
     *                  restored but the optimizer state was not, so no checkpoint is written and stale
     *                  checkpoint files are removed)
     */
    static void write(Path dir, ModelSpec spec, Sequential net, TrainCommand.LoadedData data, Map<String, Object> training,
                      History history, Map<String, Object> metrics, boolean resumable) {
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        try {
            byte[] model = JSON.writeValueAsBytes(modelJson(spec, net, data, training));
            files.put(dir.resolve("model.json"), out -> out.write(model));
            if (resumable) {
                files.putAll(Checkpoints.files(net, dir));
            } else {
                files.put(dir.resolve(Checkpoints.WEIGHTS), Checkpoints.weights(net));
            }
            byte[] metricsJson = JSON.writeValueAsBytes(metrics);
            files.put(dir.resolve("metrics.json"), out -> out.write(metricsJson));
            if (history != null) {
                byte[] csv = historyCsv(history.all()).getBytes(StandardCharsets.UTF_8);
                byte[] png = TrainingCurves.png(history);
                files.put(dir.resolve("history.csv"), out -> out.write(csv));
                files.put(dir.resolve("curves.png"), out -> out.write(png));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the run outputs: " + e.getMessage(), e);
        }
        CheckpointCommit.commit(files);
        if (!resumable) {
            for (String name : new String[] {Checkpoints.OPTIMIZER, Checkpoints.STATE}) {
                try {
                    Files.deleteIfExists(dir.resolve(name));
                } catch (IOException e) {
                    throw new OutputWriteException(dir.resolve(name), e);
                }
            }
        }
    }

    /**
     * The resumable part of the run directory after a completed epoch: {@code model.json}, the checkpoint of
     * {@link Sequential#resumeState()} and {@code history.csv} so far, as contents for {@link CheckpointCommit#commit}.
     * Everything is copied to the host here, so another thread can write the files while training goes on.
     */
    static Map<Path, AtomicFiles.Content> checkpointFiles(Path dir, ModelSpec spec, Sequential net,
                                                          TrainCommand.LoadedData data, Map<String, Object> training) {
        try {
            Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
            byte[] model = JSON.writeValueAsBytes(modelJson(spec, net, data, training));
            byte[] csv = historyCsv(net.resumeState().history()).getBytes(StandardCharsets.UTF_8);
            files.put(dir.resolve("model.json"), out -> out.write(model));
            files.putAll(Checkpoints.files(net, dir));
            files.put(dir.resolve("history.csv"), out -> out.write(csv));
            return files;
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot encode model.json: " + e.getOriginalMessage(), e);
        }
    }

    /** Only {@code metrics.json} (a diverged run whose directory already holds the checkpoint of its last good epoch). */
    static void writeMetrics(Path dir, Map<String, Object> metrics) {
        try {
            AtomicFiles.write(dir.resolve("metrics.json"), JSON.writeValueAsBytes(metrics));
        } catch (IOException e) {
            throw new OutputWriteException(dir.resolve("metrics.json"), e);
        }
    }

    static Map<String, Object> modelJson(ModelSpec spec, Sequential net, TrainCommand.LoadedData data,
                                         Map<String, Object> training) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "myelin-model");
        m.put("format_version", 1);
        m.put("spec", spec.asMap());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Layer l : net.layers()) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("name", l.name());
            lm.put("type", l.type());
            lm.putAll(l.config());
            layers.add(lm);
        }
        m.put("layers", layers);
        m.put("loss", net.loss().name());
        m.put("optimizer", net.optimizer().config());
        m.put("normalization", data.normalization());
        data.profile().writeTo(m);
        m.put("seed", net.seed());
        m.put("global_step", net.globalStep());
        m.put("training", training);
        return m;
    }

    /** One row per epoch of {@link History#all()}'s series (all of one length). */
    static String historyCsv(Map<String, List<Double>> history) {
        StringBuilder sb = new StringBuilder("epoch");
        List<String> keys = new ArrayList<>(history.keySet());
        keys.forEach(k -> sb.append(',').append(k));
        sb.append('\n');
        int epochs = history.getOrDefault("loss", List.of()).size();
        for (int e = 0; e < epochs; e++) {
            sb.append(e + 1);
            for (String k : keys) {
                sb.append(',').append(String.format(Locale.ROOT, "%.6g", history.get(k).get(e)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
