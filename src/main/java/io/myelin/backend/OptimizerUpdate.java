package io.myelin.backend;

/**
 * Hyperparameters of one fused optimizer update: the flat value the backends' kernels read. The effective
 * gradient is {@code g' = gradScale*g + l1*sign(w) + 2*l2*w} (gradScale implements global-norm clipping; L2
 * follows the Keras convention {@code l2*sum w^2}). Decoupled weight decay (AdamW) then subtracts
 * {@code lr*weightDecay*w} from the weight, for every kind.
 *
 * <pre>
 *   SGD       w -= lr*g'
 *   MOMENTUM  v = mu*v + g'             (ewa: v = mu*v + (1-mu)*g', bias-corrected by 1-mu^t if biasCorrection)
 *             w -= lr*v
 *   NESTEROV  v = mu*v + g';  w -= lr*(g' + mu*v)
 *   RMSPROP   s = rho*s + (1-rho)*g'^2;  w -= lr*g'/(sqrt(s)+eps)
 *   ADAM      m = b1*m + (1-b1)*g';  v = b2*v + (1-b2)*g'^2
 *             w -= lr*(m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
 *   ADAMAX    m = b1*m + (1-b1)*g';  u = max(b2*u, |g'|);  w -= (lr/(1-b1^t))*m/(u+eps)
 * </pre>
 * State tensors: MOMENTUM/NESTEROV use s1 = v; RMSPROP s1 = s; ADAM s1 = m, s2 = v; ADAMAX s1 = m, s2 = u.
 *
 * <p>Built by name, never by position: the optimizer classes of {@code io.myelin.optim} fill a
 * {@link #builder(OptimizerKind)} with the fields their kind reads; a field a kind does not read stays 0.
 * <pre>{@code
 * OptimizerUpdate u = OptimizerUpdate.builder(OptimizerKind.ADAM).lr(1e-3f).beta1(0.9f).beta2(0.999f)
 *         .eps(1e-7f).step(1).build();
 * }</pre>
 *
 * @param step the 1-based step count t used for bias correction
 */
public record OptimizerUpdate(OptimizerKind kind, float lr, float momentum, float beta1, float beta2,
                              float rho, float eps, float l1, float l2, float weightDecay, float gradScale,
                              boolean ewa, boolean biasCorrection, long step) {

    /** An update of {@code kind} with every hyperparameter 0, no flags, {@code gradScale} 1 and step 1. */
    public static Builder builder(OptimizerKind kind) {
        return new Builder(kind);
    }

    /** Names each field of an {@link OptimizerUpdate}; fields not set keep the defaults of {@link #builder}. */
    public static final class Builder {
        private final OptimizerKind kind;
        private float lr;
        private float momentum;
        private float beta1;
        private float beta2;
        private float rho;
        private float eps;
        private float l1;
        private float l2;
        private float weightDecay;
        private float gradScale = 1f;
        private boolean ewa;
        private boolean biasCorrection;
        private long step = 1;

        private Builder(OptimizerKind kind) {
            this.kind = kind;
        }

        public Builder lr(float value) {
            lr = value;
            return this;
        }

        public Builder momentum(float value) {
            momentum = value;
            return this;
        }

        public Builder beta1(float value) {
            beta1 = value;
            return this;
        }

        public Builder beta2(float value) {
            beta2 = value;
            return this;
        }

        public Builder rho(float value) {
            rho = value;
            return this;
        }

        public Builder eps(float value) {
            eps = value;
            return this;
        }

        /** The L1 and L2 penalty factors of the parameter being updated. */
        public Builder regularization(float l1Factor, float l2Factor) {
            l1 = l1Factor;
            l2 = l2Factor;
            return this;
        }

        public Builder weightDecay(float value) {
            weightDecay = value;
            return this;
        }

        public Builder gradScale(float value) {
            gradScale = value;
            return this;
        }

        public Builder ewa(boolean value) {
            ewa = value;
            return this;
        }

        public Builder biasCorrection(boolean value) {
            biasCorrection = value;
            return this;
        }

        public Builder step(long value) {
            step = value;
            return this;
        }

        public OptimizerUpdate build() {
            return new OptimizerUpdate(kind, lr, momentum, beta1, beta2, rho, eps, l1, l2, weightDecay, gradScale,
                    ewa, biasCorrection, step);
        }
    }

    /**
     * The first bias-correction denominator, in double rounded once: ADAM and ADAMAX {@code 1-b1^t},
     * MOMENTUM {@code 1-mu^t} in its bias-corrected EWA form, 1 otherwise. Both backends use these values.
     */
    public float biasCorrection1() {
        return switch (kind) {
            case ADAM, ADAMAX -> correction(beta1);
            case MOMENTUM -> ewa && biasCorrection ? correction(momentum) : 1f;
            default -> 1f;
        };
    }

    /** The second bias-correction denominator: ADAM {@code 1-b2^t}, 1 otherwise. */
    public float biasCorrection2() {
        return kind == OptimizerKind.ADAM ? correction(beta2) : 1f;
    }

    private float correction(float decay) {
        if (step < 1) {
            throw new IllegalArgumentException("optimizerUpdate " + kind + ": step must be >= 1 for bias "
                    + "correction, got " + step);
        }
        return (float) (1 - Math.pow(decay, step));
    }

    /** How many state tensors of the parameter's shape this kind needs (0, 1 or 2). */
    public int stateCount() {
        return switch (kind) {
            case SGD -> 0;
            case MOMENTUM, NESTEROV, RMSPROP -> 1;
            case ADAM, ADAMAX -> 2;
        };
    }
}
