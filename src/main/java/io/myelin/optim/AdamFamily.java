package io.myelin.optim;

import io.myelin.backend.OptimizerKind;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.config.ConfigObject;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What {@link Adam} and {@link Adamax} share (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic
 * Optimization", ICLR; Adamax is its section 7.1): a first moment {@code m = b1*m + (1-b1)*g} with bias
 * correction {@code 1-b1^t}, a second-moment decay b2 and eps. Defaults (FEATURES.md): b1 0.9, b2 0.999,
 * eps 1e-7. 1cycle cycles b1, as PyTorch's OneCycleLR does.
 */
public abstract sealed class AdamFamily extends Optimizer permits Adam, Adamax {
    public static final float DEFAULT_BETA1 = 0.9f;
    public static final float DEFAULT_BETA2 = 0.999f;
    public static final float DEFAULT_EPS = 1e-7f;

    private final float beta2;
    private final float eps;

    /** b1 is the {@link #momentum()} term: 1cycle cycles it. */
    AdamFamily(Builder<?, ?> b, OptimizerKind kind, String specType, List<String> stateNames) {
        super(b, kind, specType, stateNames, b.beta1);
        this.beta2 = b.beta2;
        this.eps = b.eps;
    }

    /** The keys of spec types adam, adamw and adamax after {@code lr}: beta1, beta2, eps. */
    static <B extends Builder<B, ?>> B readSpec(ConfigObject c, B b) {
        Builder<B, ?> defaults = b;
        return b.beta1(c.float32("beta1", defaults.beta1)).beta2(c.float32("beta2", defaults.beta2))
                .eps(c.float32("eps", defaults.eps));
    }

    @Override
    final void putSpec(Map<String, Object> spec) {
        spec.put("beta1", baseMomentum());
        spec.put("beta2", beta2);
        spec.put("eps", eps);
    }

    @Override
    public final boolean hasMomentumTerm() {
        return true;
    }

    @Override
    final OptimizerUpdate.Builder hyperparameters(OptimizerUpdate.Builder u) {
        return u.beta1(momentum()).beta2(beta2).eps(eps);
    }

    /**
     * The settings of {@link Adam} and {@link Adamax}.
     *
     * @param <B> the concrete builder, so that the setters chain
     * @param <O> the optimizer it builds
     */
    public abstract static class Builder<B extends Builder<B, O>, O extends AdamFamily>
            extends Optimizer.Builder<B, O> {
        private float beta1 = DEFAULT_BETA1;
        private float beta2 = DEFAULT_BETA2;
        private float eps = DEFAULT_EPS;

        Builder(float defaultLearningRate, Function<B, O> constructor) {
            super(defaultLearningRate, constructor);
        }

        /** b1 in [0, 1); default 0.9. */
        public B beta1(float value) {
            this.beta1 = value;
            return self();
        }

        /** b2 in [0, 1); default 0.999. */
        public B beta2(float value) {
            this.beta2 = value;
            return self();
        }

        /** eps &gt; 0, added to the denominator (0 would divide 0 by 0 where g stayed 0); default 1e-7. */
        public B eps(float value) {
            this.eps = value;
            return self();
        }

        @Override
        final void checkHyperparameters() {
            requireFraction("beta1", beta1);
            requireFraction("beta2", beta2);
            requirePositive("eps", eps);
        }
    }
}
