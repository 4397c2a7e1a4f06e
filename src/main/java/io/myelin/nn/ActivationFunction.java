package io.myelin.nn;

import io.myelin.backend.Activation;
import io.myelin.config.ConfigObject;
import io.myelin.ops.ActivationOp;
import io.myelin.ops.Softmax;
import io.myelin.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The activation a spec names ({@code "activation": "leaky_relu"}, with its optional {@code activation_param}):
 * one of the backend's pointwise {@link Activation}s with its parameter, or the row-wise softmax, which is not
 * pointwise and so is not in that enum. How the names relate: {@link Activation} is the SPI's list of pointwise
 * functions each backend implements; {@link ActivationOp} is the differentiable op (forward and backward) over
 * one of them; this record is what a layer ends with; {@link ActivationLayer} is the layer that is only an
 * activation. {@code ActivationFunction.parse("leaky_relu")}.
 *
 * @param pointwise the pointwise kind, or null for softmax
 * @param param     leaky slope / elu alpha / swish beta (defaults from FEATURES.md)
 */
public record ActivationFunction(Activation pointwise, float param) {
    public static final ActivationFunction LINEAR = new ActivationFunction(Activation.LINEAR, 0f);
    public static final ActivationFunction SOFTMAX = new ActivationFunction(null, 0f);

    /** {@code activation} (a name, {@code fallback} when absent) and {@code activation_param} of a spec object. */
    public static ActivationFunction fromConfig(ConfigObject c, String fallback) {
        String name = c.choice("activation", fallback, spellings(), "activation");
        return parse(name, c.float32("activation_param", Float.NaN));
    }

    /** Parses a spec name (aliases: silu = swish, gelu_tanh / gelu approximate=tanh); param NaN = default. */
    public static ActivationFunction parse(String name, float param) {
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
        return new ActivationFunction(a, Float.isNaN(param) ? a.defaultParam() : param);
    }

    public static ActivationFunction parse(String name) {
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
        return isSoftmax() ? Softmax.forward(x) : ActivationOp.forward(pointwise, param, x);
    }

    /**
     * Applies it as the last step of a layer: a softmax is skipped when the pass asks for logits
     * ({@link ForwardContext#skipFinalSoftmax}, the loss then fuses softmax and cross-entropy).
     */
    public Tensor applyLast(Tensor x, ForwardContext ctx) {
        return isSoftmax() && ctx.skipFinalSoftmax() ? x : apply(x);
    }

    /** Writes {@code activation}, and {@code activation_param} when it is not the default, into a layer's config. */
    public void writeConfig(Map<String, Object> config) {
        config.put("activation", specName());
        if (!isSoftmax() && param != pointwise.defaultParam()) {
            config.put("activation_param", param);
        }
    }
}
