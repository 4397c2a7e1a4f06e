package io.myelin.backend.cpu;

import io.myelin.backend.OptimizerUpdate;

/**
 * The fused optimizer updates of {@link OptimizerUpdate}, one pass over [lo, hi) per call. Per element:
 * {@code g' = gradScale*g + l1*sign(w) + 2*l2*w}; then the kind's state update and step; decoupled weight
 * decay subtracts {@code lr*weightDecay*w} using the weight from before this update (as AdamW does), so
 * {@code w_new = w - lr*step - lr*weightDecay*w}.
 */
final class OptimizerKernels {
    private OptimizerKernels() {
    }

    /** Step-dependent factors, computed once per call in double. */
    record Factors(float biasCorrection1, float biasCorrection2) {
        static Factors of(OptimizerUpdate u) {
            long t = u.step();
            return switch (u.kind()) {
                case MOMENTUM -> new Factors(u.ewa() && u.biasCorrection()
                        ? (float) (1 - Math.pow(u.momentum(), t)) : 1f, 1f);
                case ADAM -> new Factors((float) (1 - Math.pow(u.beta1(), t)), (float) (1 - Math.pow(u.beta2(), t)));
                case ADAMAX -> new Factors((float) (1 - Math.pow(u.beta1(), t)), 1f);
                default -> new Factors(1f, 1f);
            };
        }
    }

    static void update(OptimizerUpdate u, Factors f, float[] w, float[] g, float[] s1, float[] s2, int lo, int hi) {
        float lr = u.lr();
        float decay = lr * u.weightDecay();
        for (int i = lo; i < hi; i++) {
            float wi = w[i];
            float gi = effectiveGradient(u, wi, g[i]);
            float step = switch (u.kind()) {
                case SGD -> gi;
                case MOMENTUM -> {
                    float mu = u.momentum();
                    float v = u.ewa() ? mu * s1[i] + (1 - mu) * gi : mu * s1[i] + gi;
                    s1[i] = v;
                    yield v / f.biasCorrection1();
                }
                case NESTEROV -> {
                    float v = u.momentum() * s1[i] + gi;
                    s1[i] = v;
                    yield gi + u.momentum() * v;
                }
                case RMSPROP -> {
                    float s = u.rho() * s1[i] + (1 - u.rho()) * gi * gi;
                    s1[i] = s;
                    yield gi / ((float) Math.sqrt(s) + u.eps());
                }
                case ADAM -> {
                    float m = u.beta1() * s1[i] + (1 - u.beta1()) * gi;
                    float v = u.beta2() * s2[i] + (1 - u.beta2()) * gi * gi;
                    s1[i] = m;
                    s2[i] = v;
                    yield (m / f.biasCorrection1()) / ((float) Math.sqrt(v / f.biasCorrection2()) + u.eps());
                }
                case ADAMAX -> {
                    float m = u.beta1() * s1[i] + (1 - u.beta1()) * gi;
                    float uu = Math.max(u.beta2() * s2[i], Math.abs(gi));
                    s1[i] = m;
                    s2[i] = uu;
                    yield m / (f.biasCorrection1() * (uu + u.eps()));
                }
            };
            w[i] = wi - lr * step - decay * wi;
        }
    }

    private static float effectiveGradient(OptimizerUpdate u, float w, float g) {
        float sign = w > 0 ? 1f : (w < 0 ? -1f : 0f);
        return u.gradScale() * g + u.l1() * sign + 2 * u.l2() * w;
    }
}
