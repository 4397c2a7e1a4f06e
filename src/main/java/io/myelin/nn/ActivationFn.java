package io.myelin.nn;

import io.myelin.backend.Activation;
import io.myelin.ops.Pointwise;
import io.myelin.ops.Softmax;
import io.myelin.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A named activation as used in specs: a pointwise {@link Activation} with its parameter, or the row-wise
 * softmax. {@code ActivationFn.parse("leaky_relu")}.
 *
 * @param pointwise the pointwise kind, or null for softmax
 * @param param     leaky slope / elu alpha / swish beta (defaults from FEATURES.md)
 */
public record ActivationFn(Activation pointwise, float param) {
    /** {@code activation} (a name, {@code fallback} when absent) and {@code activation_param} of a spec object. */
    public static ActivationFn fromConfig(io.myelin.config.ConfigObject c, String fallback) {
        String name = c.choice("activation", fallback, spellings(), "activation");
        return parse(name, c.float32("activation_param", Float.NaN));
    }

    public static final ActivationFn LINEAR = new ActivationFn(Activation.LINEAR, 0f);
    public static final ActivationFn SOFTMAX = new ActivationFn(null, 0f);

    /** Parses a spec name (aliases: silu = swish, gelu_tanh / gelu approximate=tanh); param NaN = default. */
    public static ActivationFn parse(String name, float param) {
        String n = name == null ? "linear" : name.toLowerCase(Locale.ROOT).trim();
        if (n.equals("softmax")) {
            return SOFTMAX;
        }
        Activation a = switch (n) {
            case "silu" -> Activation.SWISH;
            case "none", "identity" -> Activation.LINEAR;
            default -> {
                try {
                    yield Activation.valueOf(n.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown activation '" + name + "'; known: "
                            + String.join(", ", names()));
                }
            }
        };
        return new ActivationFn(a, Float.isNaN(param) ? a.defaultParam() : param);
    }

    public static ActivationFn parse(String name) {
        return parse(name, Float.NaN);
    }

    /** Every name {@link #parse} accepts: {@link #names()} and the aliases none and identity (linear). */
    public static List<String> spellings() {
        List<String> out = names();
        out.add("none");
        out.add("identity");
        return out;
    }

    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Activation a : Activation.values()) {
            out.add(a.specName());
        }
        out.add("softmax");
        out.add("silu");
        return out;
    }

    public boolean isSoftmax() {
        return pointwise == null;
    }

    public String specName() {
        return isSoftmax() ? "softmax" : pointwise.specName();
    }

    /** Applies the activation (recording backward when a tape is open). */
    public Tensor apply(Tensor x) {
        return isSoftmax() ? Softmax.forward(x) : Pointwise.forward(pointwise, param, x);
    }
}
