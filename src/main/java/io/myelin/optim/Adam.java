package io.myelin.optim;

import io.myelin.backend.OptimizerKind;

import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR), and AdamW with a weight
 * decay (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay Regularization", ICLR):
 * <pre>
 *   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2
 *   w -= lr*(m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)  [ + lr*weightDecay*w, AdamW ]
 * </pre>
 * computed in PyTorch's arrangement {@code (lr/(1-b1^t))*m/(sqrt(v)/sqrt(1-b2^t) + eps)} on every backend.
 * Two state slots, {@code m} and {@code v}. Defaults (FEATURES.md): learning rate 0.001, b1 0.9,
 * b2 0.999, eps 1e-7; weight decay 0, or {@value #ADAMW_WEIGHT_DECAY} for spec type adamw. Written to
 * a spec as adamw whenever the weight decay is positive.
 *
 * <pre>{@code
 * Optimizer adam = Adam.builder().learningRate(1e-3f).build();
 * Optimizer adamW = Adam.builder().weightDecay(Adam.ADAMW_WEIGHT_DECAY).build();
 * }</pre>
 */
public final class Adam extends AdamFamily {
    public static final float DEFAULT_LEARNING_RATE = 0.001f;
    /** The weight decay spec type adamw defaults to (PyTorch's AdamW default). */
    public static final float ADAMW_WEIGHT_DECAY = 0.01f;

    private Adam(Builder b) {
        super(b, OptimizerKind.ADAM, b.weightDecay > 0 ? "adamw" : "adam", List.of("m", "v"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link Adam}. */
    public static final class Builder extends AdamFamily.Builder<Builder, Adam> {
        private Builder() {
            super(DEFAULT_LEARNING_RATE, Adam::new);
        }
    }
}
