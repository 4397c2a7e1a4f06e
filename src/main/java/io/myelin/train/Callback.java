package io.myelin.train;

import java.util.Map;

/**
 * Hooks into {@link Sequential#fit}. Every method has a no-op default; {@code logs} hold the epoch's
 * {@code loss}, metrics and {@code val_*} values. Ask the loop to stop with {@link TrainingState#requestStop}.
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

    default void onTrainEnd(TrainingState state) {
    }
}
