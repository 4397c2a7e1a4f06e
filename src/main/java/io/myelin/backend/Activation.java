package io.myelin.backend;

import java.util.Locale;

/**
 * The pointwise activations of FEATURES.md, each with a forward and a derivative primitive. The one
 * scalar parameter {@code p} is the leaky slope (LEAKY_RELU, default 0.01), alpha (ELU, default 1.0) or
 * beta (SWISH, default 1.0); the others ignore it. Softmax is row-wise and not in this enum
 * ({@link Backend#softmax}); PReLU has a trainable per-feature slope ({@link Backend#preluForward}).
 */
public enum Activation {
    LINEAR(0f), STEP(0f), SIGMOID(0f), TANH(0f), RELU(0f), LEAKY_RELU(0.01f), ELU(1.0f), SELU(0f),
    GELU(0f), GELU_TANH(0f), SWISH(1.0f);

    /** SELU constants (Klambauer et al. 2017). */
    public static final float SELU_ALPHA = 1.6732632f;
    public static final float SELU_SCALE = 1.0507010f;

    private final float defaultParam;

    Activation(float defaultParam) {
        this.defaultParam = defaultParam;
    }

    /** The documented default of the scalar parameter (0 when the activation has none). */
    public float defaultParam() {
        return defaultParam;
    }

    /** Lower-case name used in model specs, e.g. {@code leaky_relu}. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
