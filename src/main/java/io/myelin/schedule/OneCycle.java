package io.myelin.schedule;

import io.myelin.config.ConfigObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * 1cycle (Smith 2018), per step over {@code totalSteps}: warm up linearly from {@code max/divFactor} to
 * {@code max} over the first {@code pctStart} of the steps, anneal back to the start value by
 * {@code 2*pctStart}, then decay linearly to {@code start/finalDivFactor} (far below the minimum).
 * Momentum moves inversely: {@code maxMomentum → minMomentum → maxMomentum}, then stays at max. Both
 * factors are &gt;= 1 (the warm-up rises, the final decay falls) and {@code 0 <= minMomentum <= maxMomentum < 1}.
 */
public record OneCycle(float max, long totalSteps, float pctStart, float divFactor, float finalDivFactor,
                       float minMomentum, float maxMomentum) implements LearningRateSchedule {
    public static final float DEFAULT_PCT_START = 0.3f;
    public static final float DEFAULT_DIV_FACTOR = 25f;
    public static final float DEFAULT_FINAL_DIV_FACTOR = 1e4f;
    public static final float DEFAULT_MIN_MOMENTUM = 0.85f;
    public static final float DEFAULT_MAX_MOMENTUM = 0.95f;

    public OneCycle {
        Schedules.require(max > 0 && Float.isFinite(max), "one_cycle", "max must be a positive number, got " + max);
        Schedules.require(totalSteps >= 3, "one_cycle", "needs a run of at least 3 steps, got " + totalSteps);
        Schedules.require(pctStart > 0 && pctStart < 0.5f, "one_cycle", "pct_start must be in (0, 0.5), got "
                + pctStart);
        Schedules.require(divFactor >= 1 && Float.isFinite(divFactor), "one_cycle", "div_factor must be a number "
                + ">= 1, got " + divFactor);
        Schedules.require(finalDivFactor >= 1 && Float.isFinite(finalDivFactor), "one_cycle", "final_div_factor "
                + "must be a number >= 1, got " + finalDivFactor);
        Schedules.require(minMomentum >= 0 && minMomentum < 1, "one_cycle", "min_momentum must be in [0, 1), got "
                + minMomentum);
        Schedules.require(maxMomentum >= minMomentum && maxMomentum < 1, "one_cycle", "max_momentum must be in "
                + "[min_momentum (" + minMomentum + "), 1), got " + maxMomentum);
    }

    /** 1cycle with the defaults (PyTorch's OneCycleLR's): pct_start 0.3, div 25, final div 1e4, momentum 0.85..0.95. */
    public static OneCycle of(float max, long totalSteps) {
        return new OneCycle(max, totalSteps, DEFAULT_PCT_START, DEFAULT_DIV_FACTOR, DEFAULT_FINAL_DIV_FACTOR,
                DEFAULT_MIN_MOMENTUM, DEFAULT_MAX_MOMENTUM);
    }

    /**
     * Reads a spec's one_cycle object over {@code totalSteps}: max (lr0), pct_start (0.3), div_factor (25),
     * final_div_factor (1e4), min_momentum (0.85), max_momentum (0.95).
     */
    public static OneCycle fromConfig(ConfigObject c, float lr0, long totalSteps) {
        return new OneCycle(c.float32("max", lr0), totalSteps, c.float32("pct_start", DEFAULT_PCT_START),
                c.float32("div_factor", DEFAULT_DIV_FACTOR), c.float32("final_div_factor", DEFAULT_FINAL_DIV_FACTOR),
                c.float32("min_momentum", DEFAULT_MIN_MOMENTUM), c.float32("max_momentum", DEFAULT_MAX_MOMENTUM));
    }

    private double phase(long step) {
        return Math.min(step, totalSteps - 1) / (double) (totalSteps - 1);
    }

    @Override
    public float lr(long step, int epoch) {
        double t = phase(step);
        double start = max / divFactor;
        double end = start / finalDivFactor;
        if (t <= pctStart) {
            return (float) (start + (max - start) * t / pctStart);
        }
        if (t <= 2 * pctStart) {
            return (float) (max - (max - start) * (t - pctStart) / pctStart);
        }
        return (float) (start - (start - end) * (t - 2 * pctStart) / (1 - 2 * pctStart));
    }

    @Override
    public float momentum(long step, int epoch) {
        double t = phase(step);
        if (t <= pctStart) {
            return (float) (maxMomentum - (maxMomentum - minMomentum) * t / pctStart);
        }
        if (t <= 2 * pctStart) {
            return (float) (minMomentum + (maxMomentum - minMomentum) * (t - pctStart) / pctStart);
        }
        return maxMomentum;
    }

    @Override
    public String describe() {
        return "one_cycle(max=" + max + ", steps=" + totalSteps + ")";
    }

    /** Type one_cycle and its six keys; the planned length is the run's, not a key. */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "one_cycle");
        m.put("max", max);
        m.put("pct_start", pctStart);
        m.put("div_factor", divFactor);
        m.put("final_div_factor", finalDivFactor);
        m.put("min_momentum", minMomentum);
        m.put("max_momentum", maxMomentum);
        return m;
    }
}
