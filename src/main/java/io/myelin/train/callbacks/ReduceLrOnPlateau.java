package io.myelin.train.callbacks;

import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

import java.util.Map;

/**
 * Multiplies the learning rate by {@code factor} when {@code monitor} has not improved by
 * {@code minDelta} for {@code patience} epochs, never below {@code minLr}. Its best value and wait count
 * are kept across a resume (the learning rate is part of the optimizer state).
 */
public final class ReduceLrOnPlateau implements Callback {
    private final String monitor;
    private final float factor;
    private final int patience;
    private final double minDelta;
    private final float minLr;
    private double best = Double.POSITIVE_INFINITY;
    private int wait;

    public ReduceLrOnPlateau(String monitor, float factor, int patience, double minDelta, float minLr) {
        if (!(factor > 0 && factor < 1) || patience < 1) {
            throw new IllegalArgumentException("reduce-on-plateau needs 0 < factor < 1 and patience >= 1");
        }
        this.monitor = monitor;
        this.factor = factor;
        this.patience = patience;
        this.minDelta = minDelta;
        this.minLr = minLr;
    }

    @Override
    public void onEpochEnd(TrainingState state, int epoch, Map<String, Double> logs) {
        Double v = logs.get(monitor);
        if (v == null) {
            throw new IllegalArgumentException("reduce-on-plateau monitors '" + monitor + "' but the logs have " + logs.keySet());
        }
        if (v < best - minDelta) {
            best = v;
            wait = 0;
        } else if (++wait >= patience) {
            state.optimizer().setLearningRate(Math.max(minLr, state.optimizer().learningRate() * factor));
            wait = 0;
        }
    }

    /** The reduced learning rate itself is in the optimizer state. */
    @Override
    public Map<String, Object> saveState() {
        return Map.of("best", best, "wait", wait);
    }

    @Override
    public void restoreState(Map<String, Object> state) {
        best = Callback.number(state, "best", Double.POSITIVE_INFINITY);
        wait = (int) Callback.number(state, "wait", 0);
    }
}
