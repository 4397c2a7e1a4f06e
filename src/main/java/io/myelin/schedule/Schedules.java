package io.myelin.schedule;

import io.myelin.config.ConfigObject;

import java.util.List;
import java.util.Map;

/**
 * Schedules from a spec, e.g. {@code {"type": "step_decay", "factor": 0.5, "every": 10}}; lr0 is the
 * optimizer's lr. Types: constant, step_decay, exponential_decay (k, per_step), cyclical (min, max,
 * step_size, mode, gamma), one_cycle (max, pct_start, div_factor, final_div_factor, min_momentum,
 * max_momentum), each with optional {@code warmup_steps}. {@code totalSteps} is epochs × steps per epoch
 * (for 1cycle). A key the type does not use is an error.
 */
public final class Schedules {
    /** The schedule types a spec may name (with the aliases halving, triangular, triangular2, exp_range, 1cycle). */
    public static final List<String> TYPES = List.of("constant", "step_decay", "halving", "exponential_decay",
            "cyclical", "triangular", "triangular2", "exp_range", "one_cycle", "1cycle");
    /** The modes of a cyclical schedule. */
    public static final List<String> CYCLICAL_MODES = List.of("triangular", "triangular2", "exp_range");

    private Schedules() {
    }

    public static LearningRateSchedule fromSpec(Map<String, ?> spec, float lr0, long totalSteps) {
        ConfigObject c = ConfigObject.of(spec, "lr_schedule");
        LearningRateSchedule s = fromConfig(c, lr0, totalSteps);
        c.finish();
        return s;
    }

    /** Reads a schedule object (the caller calls {@link ConfigObject#finish()}). */
    public static LearningRateSchedule fromConfig(ConfigObject c, float lr0, long totalSteps) {
        String type = c.choice("type", "constant", TYPES, "lr schedule");
        LearningRateSchedule s = switch (type) {
            case "constant" -> new Constant(lr0);
            case "step_decay", "halving" -> new StepDecay(lr0, c.float32("factor", 0.5f), c.integer("every", 10));
            case "exponential_decay" -> new ExponentialDecay(lr0, c.float32("k", 0.1f), c.bool("per_step", false));
            case "cyclical", "triangular", "triangular2", "exp_range" -> new Cyclical(c.float32("min", lr0 / 10),
                    c.float32("max", lr0), c.integer("step_size", 2000), Cyclical.Mode.parse(c.choice("mode",
                            type.equals("cyclical") ? "triangular" : type, CYCLICAL_MODES, "cyclical mode")),
                    c.float32("gamma", 1f));
            default -> new OneCycle(c.float32("max", lr0), totalSteps, c.float32("pct_start", 0.3f),
                    c.float32("div_factor", 25f), c.float32("final_div_factor", 1e4f), c.float32("min_momentum", 0.85f),
                    c.float32("max_momentum", 0.95f));
        };
        long warmup = c.longInteger("warmup_steps", 0);
        return warmup > 0 ? new LinearWarmup(s, warmup) : s;
    }
}
