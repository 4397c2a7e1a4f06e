package io.myelin.schedule;

import java.util.Locale;

/**
 * Cyclical learning rate (Smith 2015), per step:
 * {@code cycle = floor(1 + it/(2*stepSize))}, {@code x = |it/stepSize - 2*cycle + 1|},
 * {@code lr = min + (max-min) * max(0, 1-x) * scale}, where scale is 1 (triangular), {@code 1/2^(cycle-1)}
 * (triangular2) or {@code gamma^it} (exp_range).
 */
public record Cyclical(float min, float max, int stepSize, Mode mode, float gamma) implements LearningRateSchedule {

    /** The three policies of the paper. */
    public enum Mode { TRIANGULAR, TRIANGULAR2, EXP_RANGE;
        public static Mode parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    public Cyclical {
        if (stepSize <= 0 || !(max >= min) || !(min > 0)) {
            throw new IllegalArgumentException("cyclical lr needs 0 < min <= max and step_size >= 1, got min=" + min
                    + " max=" + max + " step_size=" + stepSize);
        }
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
