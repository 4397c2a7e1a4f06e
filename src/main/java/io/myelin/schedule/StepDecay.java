package io.myelin.schedule;

import io.myelin.config.ConfigObject;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code lr0 * factor^floor(epoch / every)}; factor 0.5 is "halving". */
public record StepDecay(float lr0, float factor, int every) implements LearningRateSchedule {
    public StepDecay {
        Schedules.requireLr0("step_decay", lr0);
        Schedules.require(factor > 0 && Float.isFinite(factor), "step_decay", "factor must be a positive number, got "
                + factor);
        Schedules.require(every >= 1, "step_decay", "every must be >= 1 epoch, got " + every);
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

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "step_decay");
        m.put("factor", factor);
        m.put("every", every);
        return m;
    }
}
