package io.myelin.schedule;

import io.myelin.config.ConfigObject;

/** {@code lr0 * e^(-k t)} with t the epoch, or the step when {@code perStep}. */
public record ExponentialDecay(float lr0, float k, boolean perStep) implements LearningRateSchedule {
    /** Reads a spec's exponential_decay object: k (0.1), per_step (false). */
    public static ExponentialDecay fromConfig(ConfigObject c, float lr0) {
        return new ExponentialDecay(lr0, c.float32("k", 0.1f), c.bool("per_step", false));
    }

    @Override
    public float lr(long step, int epoch) {
        return (float) (lr0 * Math.exp(-k * (perStep ? step : epoch)));
    }

    @Override
    public String describe() {
        return "exponential_decay(lr0=" + lr0 + ", k=" + k + (perStep ? ", per step" : "") + ")";
    }
}
