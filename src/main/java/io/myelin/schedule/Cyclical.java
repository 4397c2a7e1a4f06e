package io.myelin.schedule;

import io.myelin.config.ConfigObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Cyclical learning rate (Smith 2015), per step:
 * {@code cycle = floor(1 + it/(2*stepSize))}, {@code x = |it/stepSize - 2*cycle + 1|},
 * {@code lr = min + (max-min) * max(0, 1-x) * scale}, where scale is 1 (triangular), {@code 1/2^(cycle-1)}
 * (triangular2) or {@code gamma^it} (exp_range). gamma, in (0, 1], belongs to exp_range: another mode with a
 * gamma other than 1 is refused, since it would not be used.
 */
public record Cyclical(float min, float max, int stepSize, Mode mode, float gamma) implements LearningRateSchedule {

    /** The modes a spec may name. */
    public static final List<String> MODES = List.of("triangular", "triangular2", "exp_range");

    /** The three policies of the paper. */
    public enum Mode { TRIANGULAR, TRIANGULAR2, EXP_RANGE;
        public static Mode parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }

        /** The spec name, e.g. {@code exp_range}. */
        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Cyclical {
        Schedules.require(min > 0 && Float.isFinite(min), "cyclical", "min must be a positive number, got " + min);
        Schedules.require(max >= min && Float.isFinite(max), "cyclical", "max must be a number >= min (" + min
                + "), got " + max);
        Schedules.require(stepSize >= 1, "cyclical", "step_size must be >= 1 step, got " + stepSize);
        Objects.requireNonNull(mode, "mode");
        Schedules.require(gamma > 0 && gamma <= 1, "cyclical", "gamma must be in (0, 1], got " + gamma);
        Schedules.require(gamma == 1 || mode == Mode.EXP_RANGE, "cyclical", "gamma applies only to mode exp_range, "
                + "got gamma " + gamma + " with mode " + mode.specName() + ": set \"mode\": \"exp_range\" or leave "
                + "gamma out");
    }

    /**
     * Reads a spec's cyclical object: min (lr0/10), max (lr0), step_size (2000), mode, gamma (1). For spec type
     * cyclical {@code typeMode} is null and mode defaults to triangular; the spec types triangular, triangular2
     * and exp_range name their mode, and a different {@code "mode"} beside them is refused.
     */
    public static Cyclical fromConfig(ConfigObject c, float lr0, Mode typeMode) {
        Mode fallback = typeMode == null ? Mode.TRIANGULAR : typeMode;
        float min = c.float32("min", lr0 / 10);
        float max = c.float32("max", lr0);
        int stepSize = c.integer("step_size", 2000);
        Mode mode = Mode.parse(c.choice("mode", fallback.specName(), MODES, "cyclical mode"));
        if (typeMode != null && mode != typeMode) {
            throw c.error("type \"" + typeMode.specName() + "\" names the mode, but \"mode\" is \"" + mode.specName()
                    + "\": use {\"type\": \"cyclical\", \"mode\": \"" + mode.specName() + "\"} or leave mode out");
        }
        return new Cyclical(min, max, stepSize, mode, c.float32("gamma", 1f));
    }

    @Override
    public float lr(long it, int epoch) {
        double cycle = Math.floor(1 + it / (2.0 * stepSize));
        double x = Math.abs((double) it / stepSize - 2 * cycle + 1);
        double scale = switch (mode) {
            case TRIANGULAR -> 1.0;
            case TRIANGULAR2 -> 1.0 / Math.pow(2, cycle - 1);
            case EXP_RANGE -> Math.pow(gamma, it);
        };
        return (float) (min + (max - min) * Math.max(0, 1 - x) * scale);
    }

    @Override
    public String describe() {
        return "cyclical(" + mode.name().toLowerCase(Locale.ROOT) + ", " + min + ".." + max + ", step_size=" + stepSize + ")";
    }

    /** Type cyclical with min, max, step_size and mode, and gamma for exp_range. */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "cyclical");
        m.put("min", min);
        m.put("max", max);
        m.put("step_size", stepSize);
        m.put("mode", mode.specName());
        if (mode == Mode.EXP_RANGE) {
            m.put("gamma", gamma);
        }
        return m;
    }
}
