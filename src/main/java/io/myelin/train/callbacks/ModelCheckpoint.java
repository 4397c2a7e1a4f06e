package io.myelin.train.callbacks;

import io.myelin.io.ModelFiles;
import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

import java.nio.file.Path;
import java.util.Map;

/**
 * Saves the weights (safetensors, written atomically) after each epoch, or only when {@code monitor}
 * improves when {@code bestOnly}. {@code new ModelCheckpoint(Path.of("best.safetensors"), "val_loss", true)}.
 */
public final class ModelCheckpoint implements Callback {
    private final Path file;
    private final String monitor;
    private final boolean bestOnly;
    private double best = Double.NaN;

    public ModelCheckpoint(Path file, String monitor, boolean bestOnly) {
        this.file = file;
        this.monitor = monitor;
        this.bestOnly = bestOnly;
    }

    @Override
    public void onEpochEnd(TrainingState state, int epoch, Map<String, Double> logs) {
        if (bestOnly) {
            Double v = logs.get(monitor);
            if (v == null) {
                throw new IllegalArgumentException("checkpoint monitors '" + monitor + "' but the logs have " + logs.keySet());
            }
            boolean maximize = monitor.contains("acc");
            if (!Double.isNaN(best) && (maximize ? v <= best : v >= best)) {
                return;
            }
            best = v;
        }
        ModelFiles.saveWeights(state.model(), file, Map.of("epoch", String.valueOf(epoch + 1)));
    }
}
