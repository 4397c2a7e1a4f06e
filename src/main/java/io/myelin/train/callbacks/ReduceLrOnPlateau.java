package io.myelin.train.callbacks;

import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

import java.util.Map;

/**
 * Multiplies the learning rate by {@code factor} when {@code monitor} has not improved by
 * {@code minDelta} for {@code patience} epochs, never below {@code minLr}.
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
}
