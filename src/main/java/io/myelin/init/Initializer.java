package io.myelin.init;

import io.myelin.config.ConfigObject;
import io.myelin.random.SeededRandom;

import java.util.List;
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

    /** Every accepted initializer name: the kinds, and xavier_ and kaiming_ for glorot_ and he_. */
    public static final List<String> NAMES = List.of("zeros", "ones", "constant", "random_normal", "random_uniform",
            "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "lecun_normal", "xavier_normal",
            "xavier_uniform", "kaiming_normal", "kaiming_uniform");

    /**
     * By spec name (glorot_uniform, xavier_normal, kaiming_normal, ...) with the parameters the kind takes:
     * {@code value} (constant), {@code mean} and {@code stddev} (random_normal), {@code limit} (random_uniform);
     * any other parameter is an error.
     */
    public static Initializer parse(String name, Map<String, ?> params) {
        ConfigObject c = ConfigObject.of(params == null ? Map.of() : params, "initializer " + name);
        Initializer init = fromConfig(name, c);
        c.finish();
        return init;
    }

    /**
     * {@code <key>} (an initializer name) with its optional {@code <key>_params} object of a spec object, e.g.
     * {@code "kernel_initializer": "random_normal", "kernel_initializer_params": {"stddev": 0.01}}; null when
     * the key is absent.
     */
    public static Initializer fromConfig(ConfigObject c, String key) {
        String name = c.choice(key, null, NAMES, "initializer");
        ConfigObject params = c.object(key + "_params");
        if (name == null) {
            if (params != null) {
                throw c.error("\"" + key + "_params\" needs \"" + key + "\"");
            }
            return null;
        }
        Initializer init = fromConfig(name, params);
        if (params != null) {
            params.finish();
        }
        return init;
    }

    /**
     * The initializer {@code name} with its parameters read from {@code params} (null: none given; else the
     * caller calls {@link ConfigObject#finish()}).
     */
    public static Initializer fromConfig(String name, ConfigObject params) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        if (!NAMES.contains(n)) {
            throw new IllegalArgumentException("unknown initializer '" + name + "'; known: " + String.join(", ", NAMES));
        }
        Kind kind = Kind.valueOf(n.replace("xavier", "glorot").replace("kaiming", "he").toUpperCase(Locale.ROOT));
        ConfigObject p = params != null ? params : ConfigObject.of(Map.of(), "initializer " + name);
        Initializer base = of(kind);
        return switch (kind) {
            case CONSTANT -> new Initializer(kind, p.number("value", 0.0), 0.0);
            case RANDOM_NORMAL -> {
                double mean = p.number("mean", 0.0);
                yield new Initializer(kind, p.number("stddev", base.a), mean);
            }
            case RANDOM_UNIFORM -> new Initializer(kind, p.number("limit", base.a), 0.0);
            default -> base;
        };
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
