package io.myelin.schedule;

import io.myelin.config.ConfigObject;

/**
 * 1cycle (Smith 2018), per step over {@code totalSteps}: warm up linearly from {@code max/divFactor} to
 * {@code max} over the first {@code pctStart} of the steps, anneal back to the start value by
 * {@code 2*pctStart}, then decay linearly to {@code start/finalDivFactor} (far below the minimum).
 * Momentum moves inversely: {@code maxMomentum → minMomentum → maxMomentum}, then stays at max.
 */
public record OneCycle(float max, long totalSteps, float pctStart, float divFactor, float finalDivFactor,
                       float minMomentum, float maxMomentum) implements LearningRateSchedule {

    public OneCycle {
        if (totalSteps < 3 || !(pctStart > 0 && pctStart < 0.5f)) {
            throw new IllegalArgumentException("1cycle needs total_steps >= 3 and 0 < pct_start < 0.5, got "
                    + totalSteps + ", " + pctStart);
        }
    }

    public static OneCycle of(float max, long totalSteps) {
        return new OneCycle(max, totalSteps, 0.3f, 25f, 1e4f, 0.85f, 0.95f);
    }

    /**
     * Reads a spec's one_cycle object over {@code totalSteps}: max (lr0), pct_start (0.3), div_factor (25),
     * final_div_factor (1e4), min_momentum (0.85), max_momentum (0.95).
     */
    public static OneCycle fromConfig(ConfigObject c, float lr0, long totalSteps) {
        return new OneCycle(c.float32("max", lr0), totalSteps, c.float32("pct_start", 0.3f),
                c.float32("div_factor", 25f), c.float32("final_div_factor", 1e4f), c.float32("min_momentum", 0.85f),
                c.float32("max_momentum", 0.95f));
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
}
