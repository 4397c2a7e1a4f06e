package io.myelin.schedule;

import io.myelin.config.ConfigObject;

/** {@code lr0 * factor^floor(epoch / every)}; factor 0.5 is "halving". */
public record StepDecay(float lr0, float factor, int every) implements LearningRateSchedule {
    public StepDecay {
        if (every <= 0 || !(factor > 0)) {
            throw new IllegalArgumentException("step decay needs every >= 1 and factor > 0, got every=" + every
                    + " factor=" + factor);
        }
    }

    /** Reads a spec's step_decay object: factor (0.5), every (10 epochs). */
    public static StepDecay fromConfig(ConfigObject c, float lr0) {
        return new StepDecay(lr0, c.float32("factor", 0.5f), c.integer("every", 10));
    }

    @Override
    public float lr(long step, int epoch) {
        return (float) (lr0 * Math.pow(factor, epoch / every));
    }

    @Override
    public String describe() {
        return "step_decay(lr0=" + lr0 + ", factor=" + factor + ", every=" + every + ")";
    }
}
