package io.myelin.schedule;

import io.myelin.config.ConfigException;
import io.myelin.config.ConfigObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

import static io.myelin.testing.SpecMaps.typedSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every registered schedule type reads back what its schedule's {@code config()} writes, with every key set
 * away from its default (as {@code LayersTest} does for layers); and a value out of range is refused in the
 * same words by the spec reader and by the record's constructor.
 */
class ScheduleConfigTest {
    private static final float LR0 = 0.04f;
    private static final long STEPS = 500;

    /** Every key each type reads, none at its default, so a key read into the wrong field shows. */
    private static final Map<String, Map<String, Object>> EVERY_KEY = Map.ofEntries(
            Map.entry("constant", typedSpec("constant", "warmup_steps", 7)),
            Map.entry("step_decay", typedSpec("step_decay", "factor", 0.3, "every", 4, "warmup_steps", 9)),
            Map.entry("halving", typedSpec("halving", "factor", 0.7, "every", 2)),
            Map.entry("exponential_decay", typedSpec("exponential_decay", "k", 0.02, "per_step", true,
                    "warmup_steps", 3)),
            Map.entry("cyclical", typedSpec("cyclical", "min", 0.001, "max", 0.1, "step_size", 50, "mode", "exp_range",
                    "gamma", 0.999, "warmup_steps", 11)),
            Map.entry("triangular", typedSpec("triangular", "min", 0.002, "max", 0.2, "step_size", 40)),
            Map.entry("triangular2", typedSpec("triangular2", "min", 0.003, "max", 0.3, "step_size", 30,
                    "warmup_steps", 5)),
            Map.entry("exp_range", typedSpec("exp_range", "min", 0.004, "max", 0.4, "step_size", 20, "gamma", 0.99)),
            Map.entry("one_cycle", typedSpec("one_cycle", "max", 0.5, "pct_start", 0.25, "div_factor", 10.0,
                    "final_div_factor", 100.0, "min_momentum", 0.8, "max_momentum", 0.9, "warmup_steps", 6)),
            Map.entry("1cycle", typedSpec("1cycle", "max", 0.6, "pct_start", 0.4, "div_factor", 5.0,
                    "final_div_factor", 50.0, "min_momentum", 0.7, "max_momentum", 0.98)));

    private static LearningRateSchedule read(Map<String, Object> spec) {
        return Schedules.fromSpec(spec, LR0, STEPS);
    }

    @Test
    void theSamplesCoverEveryRegisteredType() {
        assertEquals(new TreeSet<>(Schedules.TYPES), new TreeSet<>(EVERY_KEY.keySet()));
    }

    @Test
    void everyTypeReadsBackWhatItsConfigWrites() {
        for (String type : Schedules.TYPES) {
            for (Map<String, Object> in : List.of(typedSpec(type), EVERY_KEY.get(type))) {
                LearningRateSchedule s = read(in);
                LearningRateSchedule back = read(s.config());
                assertEquals(s, back, in.toString());
                assertEquals(s.config(), back.config(), in.toString());
                for (long step : new long[] {0, 1, 17, 123, 499}) {
                    assertEquals(s.lr(step, (int) (step / 50)), back.lr(step, (int) (step / 50)), in + " at " + step);
                    assertEquals(s.momentum(step, 0), back.momentum(step, 0), in + " at " + step);
                }
            }
        }
    }

    /** Each key given appears in the written spec with its value, and leaving it out gives another schedule. */
    @Test
    void everyKeyReachesTheSchedule() {
        for (String type : Schedules.TYPES) {
            Map<String, Object> in = EVERY_KEY.get(type);
            LearningRateSchedule s = read(in);
            Map<String, Object> written = s.config();
            for (Map.Entry<String, Object> e : in.entrySet()) {
                String key = e.getKey();
                if (key.equals("type")) {
                    continue;
                }
                Object value = e.getValue();
                if (value instanceof BigDecimal d) {
                    value = d.floatValue();
                } else if (key.equals("warmup_steps")) {
                    value = ((Integer) value).longValue();
                }
                assertEquals(value, written.get(key), in + ": " + key);
                Map<String, Object> without = new LinkedHashMap<>(in);
                without.remove(key);
                if (key.equals("mode")) {
                    without.remove("gamma");   // gamma belongs to exp_range
                }
                assertNotEquals(s, read(without), in + " without " + key);
            }
        }
    }

    @Test
    void aScheduleBuiltInCodeWritesItsSpec() {
        List<LearningRateSchedule> all = List.of(new Constant(LR0), new StepDecay(LR0, 0.25f, 3),
                new ExponentialDecay(LR0, 0.5f, false), new Cyclical(0.01f, 0.02f, 8, Cyclical.Mode.TRIANGULAR2, 1f),
                new Cyclical(0.01f, 0.02f, 8, Cyclical.Mode.EXP_RANGE, 0.5f), OneCycle.of(0.3f, STEPS),
                new LinearWarmup(new StepDecay(LR0, 0.5f, 2), 20));
        for (LearningRateSchedule s : all) {
            assertEquals(s, read(s.config()), s.describe());
        }
        assertEquals(Map.of("type", "step_decay", "factor", 0.5f, "every", 2, "warmup_steps", 20L),
                all.get(all.size() - 1).config());
    }

    private static String specRefuses(Map<String, Object> spec) {
        return assertThrows(ConfigException.class, () -> read(spec)).getMessage();
    }

    private static String codeRefuses(Supplier<LearningRateSchedule> make) {
        return assertThrows(IllegalArgumentException.class, make::get).getMessage();
    }

    @Test
    void theSpecAndTheConstructorsRefuseInTheSameWords() {
        Map<Map<String, Object>, Supplier<LearningRateSchedule>> pairs = new LinkedHashMap<>();
        pairs.put(typedSpec("step_decay", "factor", 0.0), () -> new StepDecay(LR0, 0f, 10));
        pairs.put(typedSpec("halving", "every", 0), () -> new StepDecay(LR0, 0.5f, 0));
        pairs.put(typedSpec("exponential_decay", "k", -0.1), () -> new ExponentialDecay(LR0, -0.1f, false));
        pairs.put(typedSpec("cyclical", "min", 0.0), () -> new Cyclical(0f, LR0, 2000, Cyclical.Mode.TRIANGULAR, 1f));
        pairs.put(typedSpec("cyclical", "min", 0.5, "max", 0.1),
                () -> new Cyclical(0.5f, 0.1f, 2000, Cyclical.Mode.TRIANGULAR, 1f));
        pairs.put(typedSpec("triangular2", "step_size", 0),
                () -> new Cyclical(LR0 / 10, LR0, 0, Cyclical.Mode.TRIANGULAR2, 1f));
        pairs.put(typedSpec("exp_range", "gamma", 1.5),
                () -> new Cyclical(LR0 / 10, LR0, 2000, Cyclical.Mode.EXP_RANGE, 1.5f));
        pairs.put(typedSpec("exp_range", "gamma", 0.0),
                () -> new Cyclical(LR0 / 10, LR0, 2000, Cyclical.Mode.EXP_RANGE, 0f));
        pairs.put(typedSpec("triangular", "gamma", 0.9),
                () -> new Cyclical(LR0 / 10, LR0, 2000, Cyclical.Mode.TRIANGULAR, 0.9f));
        pairs.put(typedSpec("one_cycle", "pct_start", 0.5),
                () -> new OneCycle(LR0, STEPS, 0.5f, 25f, 1e4f, 0.85f, 0.95f));
        pairs.put(typedSpec("one_cycle", "div_factor", 0.5),
                () -> new OneCycle(LR0, STEPS, 0.3f, 0.5f, 1e4f, 0.85f, 0.95f));
        pairs.put(typedSpec("1cycle", "final_div_factor", 0.0),
                () -> new OneCycle(LR0, STEPS, 0.3f, 25f, 0f, 0.85f, 0.95f));
        pairs.put(typedSpec("one_cycle", "min_momentum", -0.1),
                () -> new OneCycle(LR0, STEPS, 0.3f, 25f, 1e4f, -0.1f, 0.95f));
        pairs.put(typedSpec("one_cycle", "min_momentum", 0.9, "max_momentum", 0.8),
                () -> new OneCycle(LR0, STEPS, 0.3f, 25f, 1e4f, 0.9f, 0.8f));
        pairs.put(typedSpec("one_cycle", "max_momentum", 1.0),
                () -> new OneCycle(LR0, STEPS, 0.3f, 25f, 1e4f, 0.85f, 1f));
        pairs.put(typedSpec("one_cycle", "max", -1.0), () -> new OneCycle(-1f, STEPS, 0.3f, 25f, 1e4f, 0.85f, 0.95f));
        pairs.put(typedSpec("constant", "warmup_steps", -3), () -> new LinearWarmup(new Constant(LR0), -3));
        for (Map.Entry<Map<String, Object>, Supplier<LearningRateSchedule>> e : pairs.entrySet()) {
            String words = codeRefuses(e.getValue());
            assertEquals(words, specRefuses(e.getKey()), e.getKey().toString());
        }
        assertEquals("lr_schedule (step_decay): every must be >= 1 epoch, got 0",
                specRefuses(typedSpec("halving", "every", 0)), "an alias names the schedule it makes");
        assertEquals("lr_schedule (cyclical): gamma applies only to mode exp_range, got gamma 0.9 with mode "
                + "triangular: set \"mode\": \"exp_range\" or leave gamma out", specRefuses(typedSpec("cyclical", "gamma", 0.9)));
        assertEquals("lr_schedule (one_cycle): max_momentum must be in [min_momentum (0.9), 1), got 0.8",
                specRefuses(typedSpec("one_cycle", "min_momentum", 0.9, "max_momentum", 0.8)));
        assertEquals("lr_schedule (one_cycle): needs a run of at least 3 steps, got 2",
                assertThrows(ConfigException.class,
                        () -> Schedules.fromSpec(typedSpec("one_cycle"), LR0, 2)).getMessage());
    }

    /** What a spec cannot write (NaN, infinities, a bad lr0, nested warmups) Java code cannot build either. */
    @Test
    void theConstructorsRefuseWhatASpecCannotWrite() {
        assertEquals("lr_schedule (constant): lr0 (the optimizer's lr) must be a positive number, got 0.0",
                codeRefuses(() -> new Constant(0f)));
        assertEquals("lr_schedule (step_decay): lr0 (the optimizer's lr) must be a positive number, got NaN",
                codeRefuses(() -> new StepDecay(Float.NaN, 0.5f, 1)));
        assertEquals("lr_schedule (step_decay): factor must be a positive number, got Infinity",
                codeRefuses(() -> new StepDecay(LR0, Float.POSITIVE_INFINITY, 1)));
        assertEquals("lr_schedule (exponential_decay): k must be a number >= 0, got NaN",
                codeRefuses(() -> new ExponentialDecay(LR0, Float.NaN, true)));
        assertEquals("lr_schedule (cyclical): max must be a number >= min (0.1), got Infinity",
                codeRefuses(() -> new Cyclical(0.1f, Float.POSITIVE_INFINITY, 10, Cyclical.Mode.TRIANGULAR, 1f)));
        assertEquals("lr_schedule (cyclical): gamma must be in (0, 1], got NaN",
                codeRefuses(() -> new Cyclical(0.1f, 0.2f, 10, Cyclical.Mode.EXP_RANGE, Float.NaN)));
        assertEquals("lr_schedule (one_cycle): div_factor must be a number >= 1, got NaN",
                codeRefuses(() -> new OneCycle(LR0, STEPS, 0.3f, Float.NaN, 1e4f, 0.85f, 0.95f)));
        assertEquals("lr_schedule (warmup): warmup_steps must be >= 1 (0 means no warmup), got 0",
                codeRefuses(() -> new LinearWarmup(new Constant(LR0), 0)));
        assertEquals("lr_schedule (warmup): the schedule warmup(2 steps, constant(0.04)) already has a warmup; "
                + "give one warmup_steps", codeRefuses(() -> new LinearWarmup(new LinearWarmup(new Constant(LR0), 2), 3)));
    }

    @Test
    void anAliasNamesItsModeAndAContraryModeIsRefused() {
        assertEquals(Cyclical.Mode.TRIANGULAR2, ((Cyclical) read(typedSpec("triangular2"))).mode());
        assertEquals(Cyclical.Mode.TRIANGULAR2, ((Cyclical) read(typedSpec("triangular2", "mode", "triangular2"))).mode());
        assertEquals(Cyclical.Mode.TRIANGULAR, ((Cyclical) read(typedSpec("cyclical"))).mode());
        assertEquals("lr_schedule: type \"triangular2\" names the mode, but \"mode\" is \"exp_range\": use "
                + "{\"type\": \"cyclical\", \"mode\": \"exp_range\"} or leave mode out",
                specRefuses(typedSpec("triangular2", "mode", "exp_range")));
    }

    @Test
    void aSpecMessageNamesItsPlace() {
        ConfigObject c = ConfigObject.of(typedSpec("step_decay", "every", 0), "s.json: lr_schedule");
        assertEquals("s.json: lr_schedule (step_decay): every must be >= 1 epoch, got 0",
                assertThrows(ConfigException.class, () -> Schedules.fromConfig(c, LR0, STEPS)).getMessage());
    }
}
