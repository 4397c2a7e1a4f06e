package io.myelin.schedule;

import io.myelin.config.ConfigObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schedules from a spec, e.g. {@code {"type": "step_decay", "factor": 0.5, "every": 10}}; lr0 is the
 * optimizer's lr. Types: constant, step_decay, exponential_decay (k, per_step), cyclical (min, max,
 * step_size, mode, gamma), one_cycle (max, pct_start, div_factor, final_div_factor, min_momentum,
 * max_momentum), each with optional {@code warmup_steps}. {@code totalSteps} is epochs × steps per epoch
 * (for 1cycle). A key the type does not use is an error. Each type maps to the {@code fromConfig} of its
 * schedule, so adding one is its record and one line here.
 */
public final class Schedules {
    /** What reads one schedule type's own keys. */
    @FunctionalInterface
    private interface Reader {
        LearningRateSchedule read(ConfigObject c, float lr0, long totalSteps);
    }

    /** Type → reader, in the order messages list them. */
    private static final Map<String, Reader> READERS = new LinkedHashMap<>();

    static {
        READERS.put("constant", (c, lr0, n) -> new Constant(lr0));
        READERS.put("step_decay", (c, lr0, n) -> StepDecay.fromConfig(c, lr0));
        READERS.put("halving", (c, lr0, n) -> StepDecay.fromConfig(c, lr0));
        READERS.put("exponential_decay", (c, lr0, n) -> ExponentialDecay.fromConfig(c, lr0));
        READERS.put("cyclical", (c, lr0, n) -> Cyclical.fromConfig(c, lr0, Cyclical.Mode.TRIANGULAR));
        for (Cyclical.Mode mode : Cyclical.Mode.values()) {
            READERS.put(mode.specName(), (c, lr0, n) -> Cyclical.fromConfig(c, lr0, mode));
        }
        READERS.put("one_cycle", OneCycle::fromConfig);
        READERS.put("1cycle", OneCycle::fromConfig);
    }

    /** The schedule types a spec may name (with the aliases halving, triangular, triangular2, exp_range, 1cycle). */
    public static final List<String> TYPES = List.copyOf(READERS.keySet());
    /** The modes of a cyclical schedule. */
    public static final List<String> CYCLICAL_MODES = Cyclical.MODES;

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
        LearningRateSchedule s = READERS.get(type).read(c, lr0, totalSteps);
        long warmup = c.longInteger("warmup_steps", 0);
        return warmup > 0 ? new LinearWarmup(s, warmup) : s;
    }
}
