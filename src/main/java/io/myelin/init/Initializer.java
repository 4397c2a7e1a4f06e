package io.myelin.init;

import io.myelin.random.SeededRandom;

import java.util.Locale;
import java.util.Map;

/**
 * Weight initializers of FEATURES.md, drawing from a seeded generator so runs are reproducible.
 * {@code fanIn}/{@code fanOut} are the layer's input and output widths.
 *
 * <pre>{@code
 * float[] w = Initializer.parse("he_normal", Map.of()).sample(784, 256, 784 * 256, new SeededRandom(42, 0));
 * }</pre>
 *
 * @param kind  the distribution
 * @param a     constant value (CONSTANT), stddev (RANDOM_NORMAL) or half-width (RANDOM_UNIFORM)
 * @param mean  mean of RANDOM_NORMAL
 */
public record Initializer(Kind kind, double a, double mean) {

    /** Initializer families. */
    public enum Kind {
        ZEROS, ONES, CONSTANT, RANDOM_NORMAL, RANDOM_UNIFORM, GLOROT_NORMAL, GLOROT_UNIFORM, HE_NORMAL, HE_UNIFORM,
        LECUN_NORMAL
    }

    /** Keras' truncated normal (cut at 2 sigma) has stddev 0.87962566 of the untruncated one; dividing restores it. */
    private static final double TRUNCATED_STD = 0.87962566103423978;

    public static Initializer of(Kind kind) {
        return switch (kind) {
            case RANDOM_NORMAL -> new Initializer(kind, 0.05, 0.0);
            case RANDOM_UNIFORM -> new Initializer(kind, 0.05, 0.0);
            case ONES -> new Initializer(kind, 1.0, 0.0);
            default -> new Initializer(kind, 0.0, 0.0);
        };
    }

    public static Initializer constant(double value) {
        return new Initializer(Kind.CONSTANT, value, 0.0);
    }

    /** By spec name (glorot_uniform, xavier_normal, kaiming_normal, ...), with optional value/stddev/limit/mean. */
    public static Initializer parse(String name, Map<String, ?> params) {
        String n = name.toLowerCase(Locale.ROOT).trim().replace("xavier", "glorot").replace("kaiming", "he");
        Kind kind;
        try {
            kind = Kind.valueOf(n.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown initializer '" + name + "'; known: zeros, ones, constant, "
                    + "random_normal, random_uniform, glorot_normal, glorot_uniform, he_normal, he_uniform, lecun_normal");
        }
        Initializer base = of(kind);
        double a = base.a;
        if (kind == Kind.CONSTANT) {
            a = number(params, "value", 0.0);
        } else if (kind == Kind.RANDOM_NORMAL) {
            a = number(params, "stddev", 0.05);
        } else if (kind == Kind.RANDOM_UNIFORM) {
            a = number(params, "limit", 0.05);
        }
        return new Initializer(kind, a, number(params, "mean", 0.0));
    }

    private static double number(Map<String, ?> params, String key, double fallback) {
        Object v = params == null ? null : params.get(key);
        return v instanceof Number num ? num.doubleValue() : fallback;
    }

    public String specName() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** Draws {@code count} values. */
    public float[] sample(int fanIn, int fanOut, int count, SeededRandom rng) {
        float[] out = new float[count];
        switch (kind) {
            case ZEROS -> { }
            case ONES, CONSTANT -> java.util.Arrays.fill(out, (float) a);
            case RANDOM_NORMAL -> normal(out, mean, a, rng);
            case RANDOM_UNIFORM -> uniform(out, a, rng);
            case GLOROT_NORMAL -> truncatedNormal(out, Math.sqrt(2.0 / (fanIn + fanOut)), rng);
            case GLOROT_UNIFORM -> uniform(out, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
            case HE_NORMAL -> normal(out, 0, Math.sqrt(2.0 / fanIn), rng);
            case HE_UNIFORM -> uniform(out, Math.sqrt(6.0 / fanIn), rng);
            case LECUN_NORMAL -> normal(out, 0, Math.sqrt(1.0 / fanIn), rng);
            default -> throw new IllegalStateException(kind.name());
        }
        return out;
    }

    private static void normal(float[] out, double mean, double std, SeededRandom rng) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (mean + std * rng.nextGaussian());
        }
    }

    private static void uniform(float[] out, double limit, SeededRandom rng) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
    }

    /** Normal cut at 2 sigma, rescaled so the result has the requested stddev (Keras convention). */
    private static void truncatedNormal(float[] out, double std, SeededRandom rng) {
        double sigma = std / TRUNCATED_STD;
        for (int i = 0; i < out.length; i++) {
            double g;
            do {
                g = rng.nextGaussian();
            } while (Math.abs(g) > 2.0);
            out[i] = (float) (g * sigma);
        }
    }
}
