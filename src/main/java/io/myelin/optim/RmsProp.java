package io.myelin.optim;

import io.myelin.backend.OptimizerKind;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.config.ConfigObject;

import java.util.List;
import java.util.Map;

/**
 * RMSprop (Tieleman &amp; Hinton 2012, "Lecture 6.5 - rmsprop: Divide the gradient by a running average of
 * its recent magnitude", COURSERA: Neural Networks for Machine Learning):
 * {@code s = rho*s + (1-rho)*g^2; w -= lr*g/(sqrt(s)+eps)}, eps outside the root as Keras and PyTorch
 * place it; not centered, no momentum. One state slot, {@code square_avg}. Defaults (FEATURES.md):
 * learning rate 0.001, rho 0.9, eps 1e-7.
 *
 * <pre>{@code
 * Optimizer rmsprop = RmsProp.builder().learningRate(1e-3f).rho(0.9f).build();
 * }</pre>
 */
public final class RmsProp extends Optimizer {
    public static final float DEFAULT_LEARNING_RATE = 0.001f;
    public static final float DEFAULT_RHO = 0.9f;
    public static final float DEFAULT_EPS = 1e-7f;

    private final float rho;
    private final float eps;

    private RmsProp(Builder b) {
        super(b, OptimizerKind.RMSPROP, "rmsprop", List.of("square_avg"), 0f);
        this.rho = b.rho;
        this.eps = b.eps;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The keys of spec type rmsprop after {@code lr}: rho, eps. */
    static Builder readSpec(ConfigObject c) {
        Builder b = builder();
        return b.rho(c.float32("rho", b.rho)).eps(c.float32("eps", b.eps));
    }

    @Override
    void putSpec(Map<String, Object> spec) {
        spec.put("rho", rho);
        spec.put("eps", eps);
    }

    @Override
    OptimizerUpdate.Builder hyperparameters(OptimizerUpdate.Builder u) {
        return u.rho(rho).eps(eps);
    }

    /** Builds an {@link RmsProp}. */
    public static final class Builder extends Optimizer.Builder<Builder, RmsProp> {
        private float rho = DEFAULT_RHO;
        private float eps = DEFAULT_EPS;

        private Builder() {
            super(DEFAULT_LEARNING_RATE, RmsProp::new);
        }

        /** rho in [0, 1); default 0.9. */
        public Builder rho(float value) {
            this.rho = value;
            return this;
        }

        /** eps &gt; 0, added to the square root (0 would divide 0 by 0 where g stayed 0); default 1e-7. */
        public Builder eps(float value) {
            this.eps = value;
            return this;
        }

        @Override
        void checkHyperparameters() {
            requireFraction("rho", rho);
            requirePositive("eps", eps);
        }
    }
}
