package io.myelin.schedule;

import java.util.Map;

/**
 * A learning-rate schedule, evaluated before every step from the global step (0-based) and the epoch
 * (0-based). Schedules that also drive momentum (1cycle) return it from {@link #momentum}. Each schedule
 * writes its spec object with {@link #config()}, which {@link Schedules#fromSpec} reads back as an equal
 * schedule given the same lr0 (the optimizer's lr) and planned length.
 *
 * <pre>{@code
 * LearningRateSchedule s = new StepDecay(0.01f, 0.5f, 10);   // halve every 10 epochs
 * Map<String, Object> spec = s.config();                     // {type=step_decay, factor=0.5, every=10}
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

    /**
     * The spec object of this schedule: its {@code "type"} and every key of that type, without lr0 and the
     * planned length, which a spec takes from the optimizer and the run.
     */
    Map<String, Object> config();
}
