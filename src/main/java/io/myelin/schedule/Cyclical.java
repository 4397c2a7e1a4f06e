package io.myelin.schedule;

import io.myelin.config.ConfigObject;

import java.util.List;
import java.util.Locale;

/**
 * Cyclical learning rate (Smith 2015), per step:
 * {@code cycle = floor(1 + it/(2*stepSize))}, {@code x = |it/stepSize - 2*cycle + 1|},
 * {@code lr = min + (max-min) * max(0, 1-x) * scale}, where scale is 1 (triangular), {@code 1/2^(cycle-1)}
 * (triangular2) or {@code gamma^it} (exp_range).
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
        if (stepSize <= 0 || !(max >= min) || !(min > 0)) {
            throw new IllegalArgumentException("cyclical lr needs 0 < min <= max and step_size >= 1, got min=" + min
                    + " max=" + max + " step_size=" + stepSize);
        }
    }

    /**
     * Reads a spec's cyclical object: min (lr0/10), max (lr0), step_size (2000), mode ({@code fallback} when
     * absent: the spec type names it, {@code "triangular2"}), gamma (1).
     */
    public static Cyclical fromConfig(ConfigObject c, float lr0, Mode fallback) {
        return new Cyclical(c.float32("min", lr0 / 10), c.float32("max", lr0), c.integer("step_size", 2000),
                Mode.parse(c.choice("mode", fallback.specName(), MODES, "cyclical mode")), c.float32("gamma", 1f));
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
}
