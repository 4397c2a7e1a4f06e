package io.myelin.train.callbacks;

import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

import java.util.Map;

/**
 * Stops when {@code monitor} (default {@code val_loss}) has not improved by more than {@code minDelta} for
 * {@code patience} epochs; optionally restores the best weights seen. Metrics whose name contains
 * "acc" are maximized, everything else minimized. {@code new EarlyStopping("val_loss", 0, 5, true)}.
 * A resumed run keeps the best value and wait count, but not the best weights of epochs before the
 * resume: if they stay the best, restoring them is skipped.
 */
public final class EarlyStopping implements Callback {
    private final String monitor;
    private final double minDelta;
    private final int patience;
    private final boolean restoreBest;
    private double best = Double.NaN;
    private int wait;
    private Map<String, float[]> bestWeights;
    private int bestEpoch = -1;

    public EarlyStopping(String monitor, double minDelta, int patience, boolean restoreBest) {
        if (patience < 0 || minDelta < 0) {
            throw new IllegalArgumentException("early stopping needs patience >= 0 and min_delta >= 0");
        }
        this.monitor = monitor;
        this.minDelta = minDelta;
        this.patience = patience;
        this.restoreBest = restoreBest;
    }

    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public void onEpochEnd(TrainingState state, int epoch, Map<String, Double> logs) {
        Double v = logs.get(monitor);
        if (v == null) {
            throw new IllegalArgumentException("early stopping monitors '" + monitor + "' but the logs have "
                    + logs.keySet() + " (use validation data for val_* metrics)");
        }
        boolean maximize = monitor.contains("acc");
        boolean improved = Double.isNaN(best) || (maximize ? v > best + minDelta : v < best - minDelta);
        if (improved) {
            best = v;
            wait = 0;
            bestEpoch = epoch;
            if (restoreBest) {
                bestWeights = state.model().weightsSnapshot();
            }
        } else if (++wait >= Math.max(1, patience)) {
            if (restoreBest && bestWeights != null) {
                state.model().restoreWeights(bestWeights);
            }
            state.requestStop("early stopping: " + monitor + " did not improve for " + patience
                    + " epochs (best " + best + " at epoch " + (bestEpoch + 1) + ")");
        }
    }

    /** Best value, its epoch and the wait count; not the best-weights snapshot (see the class comment). */
    @Override
    public Map<String, Object> saveState() {
        return Map.of("best", best, "wait", wait, "best_epoch", bestEpoch);
    }

    @Override
    public void restoreState(Map<String, Object> state) {
        best = Callback.number(state, "best", Double.NaN);
        wait = (int) Callback.number(state, "wait", 0);
        bestEpoch = (int) Callback.number(state, "best_epoch", -1);
    }
}
