package io.myelin.schedule;

import io.myelin.config.ConfigObject;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code lr0 * e^(-k t)} with t the epoch, or the step when {@code perStep}; k &gt;= 0 (a decay). */
public record ExponentialDecay(float lr0, float k, boolean perStep) implements LearningRateSchedule {
    public ExponentialDecay {
        Schedules.requireLr0("exponential_decay", lr0);
        Schedules.require(k >= 0 && Float.isFinite(k), "exponential_decay", "k must be a number >= 0, got " + k);
    }

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

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "exponential_decay");
        m.put("k", k);
        m.put("per_step", perStep);
        return m;
    }
}
