package io.myelin.saving;

import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a resumable checkpoint directory ({@link Checkpoints}: weights, optimizer state, training state)
 * after each epoch, or only when {@code monitor} improves when {@code bestOnly}. The files are written once
 * every callback has seen the epoch's end, so the saved state is the state a continued run would have.
 * {@code new ModelCheckpoint(Path.of("runs/best"), "val_loss", true)}; resume with
 * {@link Checkpoints#load} and {@code FitConfig.Builder.resumeFrom}.
 */
public final class ModelCheckpoint implements Callback {
    private final Path dir;
    private final String monitor;
    private final boolean bestOnly;
    private double best = Double.NaN;
    private boolean due;

    public ModelCheckpoint(Path dir, String monitor, boolean bestOnly) {
        if (dir.getFileName() != null && dir.getFileName().toString().endsWith(".safetensors")) {
            throw new IllegalArgumentException("ModelCheckpoint writes a directory (" + Checkpoints.WEIGHTS + ", "
                    + Checkpoints.OPTIMIZER + ", " + Checkpoints.STATE + "), not a file: got " + dir);
        }
        this.dir = dir;
        this.monitor = monitor;
        this.bestOnly = bestOnly;
    }

    /** A checkpoint after every epoch. */
    public ModelCheckpoint(Path dir) {
        this(dir, "loss", false);
    }

    @Override
    public void onEpochEnd(TrainingState state, int epoch, Map<String, Double> logs) {
        due = true;
        if (bestOnly) {
            Double v = logs.get(monitor);
            if (v == null) {
                throw new IllegalArgumentException("checkpoint monitors '" + monitor + "' but the logs have " + logs.keySet());
            }
            boolean maximize = monitor.contains("acc");
            due = Double.isNaN(best) || (maximize ? v > best : v < best);
            if (due) {
                best = v;
            }
        }
    }

    @Override
    public void onEpochCommitted(TrainingState state, int epoch, Map<String, Double> logs) {
        if (due) {
            Checkpoints.save(state.model(), dir);
        }
    }

    @Override
    public Map<String, Object> saveState() {
        return Map.of("best", best);
    }

    @Override
    public void restoreState(Map<String, Object> state) {
        best = Callback.number(state, "best", Double.NaN);
    }
}
