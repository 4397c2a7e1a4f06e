package io.myelin.optim;

import io.myelin.backend.OptimizerKind;

import java.util.List;

/**
 * Plain stochastic gradient descent (Robbins &amp; Monro 1951, "A Stochastic Approximation Method"):
 * {@code w -= lr*g}. No per-parameter state. Default learning rate 0.01 (FEATURES.md). In a spec it is
 * {@code {"type": "sgd"}} without momentum; with {@code momentum} or {@code nesterov} the spec makes a
 * {@link Momentum}.
 *
 * <pre>{@code
 * Optimizer sgd = Sgd.builder().learningRate(0.1f).build();
 * }</pre>
 */
public final class Sgd extends Optimizer {
    public static final float DEFAULT_LEARNING_RATE = 0.01f;

    private Sgd(Builder b) {
        super(b, OptimizerKind.SGD, "sgd", List.of(), 0f);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link Sgd}; only the settings every optimizer has. */
    public static final class Builder extends Optimizer.Builder<Builder, Sgd> {
        private Builder() {
            super(DEFAULT_LEARNING_RATE, Sgd::new);
        }
    }
}
