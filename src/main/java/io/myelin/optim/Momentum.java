package io.myelin.optim;

import io.myelin.backend.OptimizerKind;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.config.ConfigObject;

import java.util.List;
import java.util.Map;

/**
 * SGD with momentum, in the form of Sutskever, Martens, Dahl &amp; Hinton 2013 ("On the importance of
 * initialization and momentum in deep learning"), which PyTorch's and Keras's SGD also use:
 * <pre>
 *   classic (Polyak 1964)     v = mu*v + g;  w -= lr*v
 *   ewa                       v = mu*v + (1-mu)*g;  w -= lr*v, or w -= lr*v/(1-mu^t) with biasCorrection
 *   nesterov (Nesterov 1983)  v = mu*v + g;  w -= lr*(g + mu*v)
 * </pre>
 * The EWA form (an exponentially weighted average of the gradients, optionally bias-corrected as Adam's
 * first moment is) shapes the classic update only; Nesterov's ignores {@code ewa} and
 * {@code biasCorrection}. mu is the {@link #momentum()} term, which 1cycle cycles. One state slot,
 * {@code velocity}. Defaults (FEATURES.md): mu 0.9, learning rate 0.01, classic, no EWA. Spec types
 * {@code momentum}, {@code nesterov}, and {@code sgd} with a momentum.
 *
 * <pre>{@code
 * Optimizer nesterov = Momentum.builder().learningRate(0.05f).momentum(0.9f).nesterov(true).build();
 * }</pre>
 */
public final class Momentum extends Optimizer {
    public static final float DEFAULT_LEARNING_RATE = 0.01f;
    public static final float DEFAULT_MOMENTUM = 0.9f;

    private final boolean nesterov;
    private final boolean ewa;
    private final boolean biasCorrection;

    private Momentum(Builder b) {
        super(b, b.nesterov ? OptimizerKind.NESTEROV : OptimizerKind.MOMENTUM, "sgd", List.of("velocity"),
                b.momentum);
        this.nesterov = b.nesterov;
        this.ewa = b.ewa;
        this.biasCorrection = b.biasCorrection;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The keys of spec types sgd, momentum and nesterov after {@code lr}: momentum (0 for sgd, else 0.9),
     * nesterov (sgd only; nesterov with momentum 0 takes 0.9), ewa, bias_correction. An sgd spec without
     * momentum is an {@link Sgd}.
     */
    static Optimizer.Builder<?, ?> readSpec(ConfigObject c, String type) {
        boolean sgd = type.equals("sgd");
        float mu = c.float32("momentum", sgd ? 0f : DEFAULT_MOMENTUM);
        boolean nesterov = type.equals("nesterov") || sgd && c.bool("nesterov", false);
        if (nesterov && mu == 0f) {
            mu = DEFAULT_MOMENTUM;
        }
        Builder b = builder().momentum(mu).nesterov(nesterov).ewa(c.bool("ewa", false))
                .biasCorrection(c.bool("bias_correction", false));
        return sgd && !nesterov && mu == 0f ? Sgd.builder() : b;
    }

    @Override
    void putSpec(Map<String, Object> spec) {
        spec.put("momentum", momentum());
        spec.put("nesterov", nesterov);
        if (ewa) {
            spec.put("ewa", true);
            spec.put("bias_correction", biasCorrection);
        }
    }

    @Override
    OptimizerUpdate.Builder hyperparameters(OptimizerUpdate.Builder u) {
        return u.momentum(momentum()).ewa(ewa).biasCorrection(biasCorrection);
    }

    /** Builds a {@link Momentum}. */
    public static final class Builder extends Optimizer.Builder<Builder, Momentum> {
        private float momentum = DEFAULT_MOMENTUM;
        private boolean nesterov;
        private boolean ewa;
        private boolean biasCorrection;

        private Builder() {
            super(DEFAULT_LEARNING_RATE, Momentum::new);
        }

        /** mu in [0, 1); default 0.9. */
        public Builder momentum(float mu) {
            this.momentum = mu;
            return this;
        }

        /** Nesterov's update instead of the classic one; default false. */
        public Builder nesterov(boolean on) {
            this.nesterov = on;
            return this;
        }

        /** The EWA form {@code v = mu*v + (1-mu)*g} of the classic update; default false. */
        public Builder ewa(boolean on) {
            this.ewa = on;
            return this;
        }

        /** With {@link #ewa}, divides the velocity by {@code 1-mu^t}; default false. */
        public Builder biasCorrection(boolean on) {
            this.biasCorrection = on;
            return this;
        }

        @Override
        void checkHyperparameters() {
            requireFraction("momentum", momentum);
        }
    }
}
