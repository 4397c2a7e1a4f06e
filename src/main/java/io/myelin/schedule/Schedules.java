package io.myelin.schedule;

import io.myelin.config.ConfigException;
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
 * schedule, so adding one is its record (with a {@code config()} that this reads back) and one line here.
 * A value out of range is refused by the schedule's constructor, in the same words for a spec and for Java
 * code: {@code lr_schedule (step_decay): every must be >= 1 epoch, got 0}.
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
        READERS.put("cyclical", (c, lr0, n) -> Cyclical.fromConfig(c, lr0, null));
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

    /** Where a refused value is placed; a spec reader replaces it by the spec object's place. */
    private static final String PLACE = "lr_schedule";

    private Schedules() {
    }

    /** Refuses a value of schedule {@code type} with {@code "lr_schedule (<type>): " + message}. */
    static void require(boolean ok, String type, String message) {
        if (!ok) {
            throw new IllegalArgumentException(PLACE + " (" + type + "): " + message);
        }
    }

    /** The optimizer's lr a schedule scales from: a finite number &gt; 0. */
    static void requireLr0(String type, float lr0) {
        require(lr0 > 0 && Float.isFinite(lr0), type, "lr0 (the optimizer's lr) must be a positive number, got "
                + lr0);
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
        try {
            LearningRateSchedule s = READERS.get(type).read(c, lr0, totalSteps);
            long warmup = c.longInteger("warmup_steps", 0);
            return warmup != 0 ? new LinearWarmup(s, warmup) : s;
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new ConfigException(m.startsWith(PLACE) ? c.where() + m.substring(PLACE.length()) : c.where() + ": " + m);
        }
    }
}
