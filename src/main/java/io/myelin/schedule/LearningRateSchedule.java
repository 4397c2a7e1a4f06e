package io.myelin.schedule;

/**
 * A learning-rate schedule, evaluated before every step from the global step (0-based) and the epoch
 * (0-based). Schedules that also drive momentum (1cycle) return it from {@link #momentum}.
 *
 * <pre>{@code
 * LearningRateSchedule s = new StepDecay(0.01f, 0.5f, 10);   // halve every 10 epochs
 * }</pre>
 */
public interface LearningRateSchedule {
    float lr(long step, int epoch);

    /** Momentum to use at this point, or NaN to leave the optimizer's alone. */
    default float momentum(long step, int epoch) {
        return Float.NaN;
    }

    /** Short description for logs and model files. */
    String describe();
}
