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
 * first moment is) is a form of the classic update only, as FEATURES.md defines it; Nesterov's update has no
 * EWA form, so {@code ewa} with {@code nesterov} is refused, as are {@code bias_correction} without
 * {@code ewa} and {@code ewa} or {@code nesterov} with a momentum of 0 (each would be accepted and change
 * nothing). mu is the {@link #momentum()} term, which 1cycle cycles. One state slot, {@code velocity}.
 * Defaults (FEATURES.md): mu 0.9, learning rate 0.01, classic, no EWA. Spec types {@code momentum},
 * {@code nesterov}, and {@code sgd} with a momentum.
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
        super(b, b.nesterov ? OptimizerKind.NESTEROV : OptimizerKind.MOMENTUM, specType(b), List.of("velocity"),
                b.momentum);
        this.nesterov = b.nesterov;
        this.ewa = b.ewa;
        this.biasCorrection = b.biasCorrection;
    }

    /** sgd with a momentum, or momentum for a momentum of 0 (an sgd spec without momentum is an {@link Sgd}). */
    private static String specType(Builder b) {
        return b.nesterov || b.momentum > 0 ? "sgd" : "momentum";
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The keys of spec types sgd, momentum and nesterov after {@code lr}: momentum (0 for sgd, else 0.9; sgd
     * with nesterov and no momentum takes 0.9), nesterov (sgd only), ewa, bias_correction. An sgd spec
     * without momentum and without a momentum flag is an {@link Sgd}; with a flag it is a {@link Momentum},
     * whose builder refuses a flag that would change nothing.
     */
    static Optimizer.Builder<?, ?> readSpec(ConfigObject c, String type) {
        boolean sgd = type.equals("sgd");
        boolean muGiven = c.has("momentum");
        float mu = c.float32("momentum", sgd ? 0f : DEFAULT_MOMENTUM);
        boolean nesterov = type.equals("nesterov") || sgd && c.bool("nesterov", false);
        if (nesterov && !muGiven) {
            mu = DEFAULT_MOMENTUM;
        }
        boolean ewa = c.bool("ewa", false);
        boolean biasCorrection = c.bool("bias_correction", false);
        if (sgd && mu == 0f && !nesterov && !ewa && !biasCorrection) {
            return Sgd.builder();
        }
        return builder().momentum(mu).nesterov(nesterov).ewa(ewa).biasCorrection(biasCorrection);
    }

    @Override
    void putSpec(Map<String, Object> spec) {
        spec.put("momentum", baseMomentum());
        if (spec.get("type").equals("sgd")) {
            spec.put("nesterov", nesterov);
        }
        if (ewa) {
            spec.put("ewa", true);
            spec.put("bias_correction", biasCorrection);
        }
    }

    @Override
    public boolean hasMomentumTerm() {
        return true;
    }

    /** Whether this is Nesterov's update. */
    public boolean nesterov() {
        return nesterov;
    }

    /** Whether the velocity is the EWA form {@code v = mu*v + (1-mu)*g}. */
    public boolean ewa() {
        return ewa;
    }

    /** Whether the EWA velocity is divided by {@code 1-mu^t}. */
    public boolean biasCorrection() {
        return biasCorrection;
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

        /** Nesterov's update instead of the classic one (needs a momentum &gt; 0; no EWA form); default false. */
        public Builder nesterov(boolean on) {
            this.nesterov = on;
            return this;
        }

        /**
         * The EWA form {@code v = mu*v + (1-mu)*g} of the classic update (needs a momentum &gt; 0; not with
         * Nesterov); default false.
         */
        public Builder ewa(boolean on) {
            this.ewa = on;
            return this;
        }

        /** With {@link #ewa} (only), divides the velocity by {@code 1-mu^t}; default false. */
        public Builder biasCorrection(boolean on) {
            this.biasCorrection = on;
            return this;
        }

        /**
         * The momentum in [0, 1), then the flags: each must change the update, so nesterov and ewa need a
         * momentum &gt; 0, ewa is not a form of nesterov, and bias_correction needs ewa.
         */
        @Override
        void checkHyperparameters() {
            requireFraction("momentum", momentum);
            require(!(nesterov && ewa), "ewa is a form of classic momentum only, not of nesterov: for the EWA form "
                    + "use {\"type\": \"momentum\", \"ewa\": true}, or leave ewa out for nesterov");
            require(!biasCorrection || ewa, "bias_correction applies only to the EWA form: add \"ewa\": true, "
                    + "or leave bias_correction out");
            require(momentum > 0 || !nesterov, "nesterov needs a momentum in (0, 1), got " + momentum
                    + " (with 0 it is plain sgd: use {\"type\": \"sgd\"})");
            require(momentum > 0 || !ewa, "ewa needs a momentum in (0, 1), got " + momentum
                    + " (with 0 it is plain sgd: use {\"type\": \"sgd\"})");
        }
    }
}
