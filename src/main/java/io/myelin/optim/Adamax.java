package io.myelin.optim;

import io.myelin.backend.OptimizerKind;

import java.util.List;

/**
 * Adamax, Adam with the infinity norm (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization",
 * ICLR, section 7.1):
 * <pre>
 *   m = b1*m + (1-b1)*g;  u = max(b2*u, |g|);  w -= (lr/(1-b1^t))*m/(u+eps)
 * </pre>
 * eps in the denominator as Keras and PyTorch place it. Two state slots, {@code m} and {@code u}. Defaults
 * (FEATURES.md): learning rate 0.002, b1 0.9, b2 0.999, eps 1e-7.
 *
 * <pre>{@code
 * Optimizer adamax = Adamax.builder().learningRate(2e-3f).build();
 * }</pre>
 */
public final class Adamax extends AdamFamily {
    public static final float DEFAULT_LEARNING_RATE = 0.002f;

    private Adamax(Builder b) {
        super(b, OptimizerKind.ADAMAX, "adamax", List.of("m", "u"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link Adamax}. */
    public static final class Builder extends AdamFamily.Builder<Builder, Adamax> {
        private Builder() {
            super(DEFAULT_LEARNING_RATE, Adamax::new);
        }
    }
}
