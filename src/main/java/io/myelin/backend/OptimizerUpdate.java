package io.myelin.backend;

/**
 * Hyperparameters of one fused optimizer update. The effective gradient is
 * {@code g' = gradScale*g + l1*sign(w) + 2*l2*w} (gradScale implements global-norm clipping; L2 follows
 * the Keras convention {@code l2*sum w^2}). Decoupled weight decay (AdamW) then subtracts
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
 * @param step the 1-based step count t used for bias correction
 */
public record OptimizerUpdate(OptimizerKind kind, float lr, float momentum, float beta1, float beta2,
                              float rho, float eps, float l1, float l2, float weightDecay, float gradScale,
                              boolean ewa, boolean biasCorrection, long step) {

    /** Plain SGD with the given learning rate and everything else off. */
    public static OptimizerUpdate sgd(float lr) {
        return new OptimizerUpdate(OptimizerKind.SGD, lr, 0f, 0.9f, 0.999f, 0.9f, 1e-7f, 0f, 0f, 0f, 1f,
                false, false, 1);
    }

    public OptimizerUpdate withStep(long t) {
        return new OptimizerUpdate(kind, lr, momentum, beta1, beta2, rho, eps, l1, l2, weightDecay, gradScale,
                ewa, biasCorrection, t);
    }

    public OptimizerUpdate withLr(float newLr) {
        return new OptimizerUpdate(kind, newLr, momentum, beta1, beta2, rho, eps, l1, l2, weightDecay, gradScale,
                ewa, biasCorrection, step);
    }

    public OptimizerUpdate withBeta1(float b1) {
        return new OptimizerUpdate(kind, lr, momentum, b1, beta2, rho, eps, l1, l2, weightDecay, gradScale,
                ewa, biasCorrection, step);
    }

    public OptimizerUpdate withRegularization(float newL1, float newL2) {
        return new OptimizerUpdate(kind, lr, momentum, beta1, beta2, rho, eps, newL1, newL2, weightDecay,
                gradScale, ewa, biasCorrection, step);
    }

    public OptimizerUpdate withGradScale(float scale) {
        return new OptimizerUpdate(kind, lr, momentum, beta1, beta2, rho, eps, l1, l2, weightDecay, scale,
                ewa, biasCorrection, step);
    }

    public OptimizerUpdate withMomentum(float mu) {
        return new OptimizerUpdate(kind, lr, mu, beta1, beta2, rho, eps, l1, l2, weightDecay, gradScale,
                ewa, biasCorrection, step);
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
