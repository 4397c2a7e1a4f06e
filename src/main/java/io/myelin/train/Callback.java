package io.myelin.train;

import java.util.Map;

/**
 * Hooks into {@link Sequential#fit}. Every method has a no-op default; {@code logs} hold the epoch's
 * {@code loss}, metrics and {@code val_*} values. Ask the loop to stop with {@link TrainingState#requestStop}.
 *
 * <p>A callback whose decisions depend on earlier epochs (best value seen, epochs waited) returns that
 * state from {@link #saveState()} so a resumed run ({@link FitConfig.Builder#resumeFrom}) decides as an
 * uninterrupted one would; the state is stored in the checkpoint's {@code training_state.json}.
 */
public interface Callback {
    default void onTrainBegin(TrainingState state) {
    }

    default void onEpochBegin(TrainingState state, int epoch) {
    }

    /** Before each step's forward pass (schedules set the learning rate here). */
    default void onBatchBegin(TrainingState state, long step) {
    }

    /** After backward and before the optimizer update: gradients are valid (gradient-health monitor). */
    default void onGradients(TrainingState state, long step) {
    }

    default void onBatchEnd(TrainingState state, long step) {
    }

    default void onEpochEnd(TrainingState state, int epoch, Map<String, Double> logs) {
    }

    /**
     * After every callback's {@link #onEpochEnd}: the epoch's state is final and
     * {@link Sequential#resumeState()} describes it (checkpoints are written here).
     */
    default void onEpochCommitted(TrainingState state, int epoch, Map<String, Double> logs) {
    }

    /** State to carry into a resumed run: JSON values (numbers, strings, booleans); empty when there is none. */
    default Map<String, Object> saveState() {
        return Map.of();
    }

    /** Takes back what {@link #saveState()} returned in the run being resumed (numbers may come back as strings). */
    default void restoreState(Map<String, Object> state) {
    }

    /** A number from saved state: JSON writes NaN and infinities as strings, so both forms are accepted. */
    static double number(Map<String, Object> state, String key, double fallback) {
        Object v = state.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return v instanceof String s ? Double.parseDouble(s) : fallback;
    }

    default void onTrainEnd(TrainingState state) {
    }
}
