package io.myelin.schedule;

import java.util.Locale;
import java.util.Map;

/**
 * Schedules from a spec, e.g. {@code {"type": "step_decay", "factor": 0.5, "every": 10}}; lr0 is the
 * optimizer's lr. Types: constant, step_decay, exponential_decay (k, per_step), cyclical (min, max,
 * step_size, mode, gamma), one_cycle (max, pct_start, div_factor, final_div_factor), with optional
 * {@code warmup_steps}. {@code totalSteps} is epochs × steps per epoch (for 1cycle).
 */
public final class Schedules {
    private Schedules() {
    }

    public static LearningRateSchedule fromSpec(Map<String, Object> spec, float lr0, long totalSteps) {
        String type = String.valueOf(spec.getOrDefault("type", "constant")).toLowerCase(Locale.ROOT);
        LearningRateSchedule s = switch (type) {
            case "constant" -> new Constant(lr0);
            case "step_decay", "halving" -> new StepDecay(lr0, num(spec, "factor", 0.5), (int) num(spec, "every", 10));
            case "exponential_decay" -> new ExponentialDecay(lr0, num(spec, "k", 0.1),
                    Boolean.TRUE.equals(spec.get("per_step")));
            case "cyclical", "triangular", "triangular2", "exp_range" -> new Cyclical(num(spec, "min", lr0 / 10),
                    num(spec, "max", lr0), (int) num(spec, "step_size", 2000),
                    Cyclical.Mode.parse(String.valueOf(spec.getOrDefault("mode", type.equals("cyclical") ? "triangular" : type))),
                    num(spec, "gamma", 1.0));
            case "one_cycle", "1cycle" -> new OneCycle(num(spec, "max", lr0), totalSteps, num(spec, "pct_start", 0.3),
                    num(spec, "div_factor", 25), num(spec, "final_div_factor", 1e4), num(spec, "min_momentum", 0.85),
                    num(spec, "max_momentum", 0.95));
            default -> throw new IllegalArgumentException("unknown lr schedule '" + type
                    + "'; known: constant, step_decay, exponential_decay, cyclical, triangular2, exp_range, one_cycle");
        };
        long warmup = (long) num(spec, "warmup_steps", 0);
        return warmup > 0 ? new LinearWarmup(s, warmup) : s;
    }

    private static float num(Map<String, Object> spec, String key, double fallback) {
        Object v = spec.get(key);
        if (v == null) {
            return (float) fallback;
        }
        if (v instanceof Number n) {
            return n.floatValue();
        }
        throw new IllegalArgumentException("schedule parameter '" + key + "' must be a number, got '" + v + "'");
    }
}
