package io.myelin.backend.cpu;

import io.myelin.backend.OptimizerUpdate;

/**
 * The fused optimizer updates of {@link OptimizerUpdate}, one pass over [lo, hi) per call. Per element:
 * {@code g' = gradScale*g + l1*sign(w) + 2*l2*w}; then the kind's state update and step; decoupled weight
 * decay subtracts {@code lr*weightDecay*w} using the weight from before this update (as AdamW does), so
 * {@code w_new = w - lr*step - lr*weightDecay*w}.
 *
 * <p>Why one loop per kind, with every factor hoisted: a {@code switch} on the kind inside the element loop
 * and the divisions by the bias corrections kept HotSpot from vectorizing, and the Adam update then cost
 * more per epoch than the GEMMs of a 784-256-128-10 MLP (docs/benchmarks.md, "Profile of a training
 * step"). The loops below are branch-free when {@code l1 == 0}, so C2 turns them into SIMD code. Adam
 * uses PyTorch's arrangement {@code w -= (lr/c1) * m / (sqrt(v)/sqrt(c2) + eps)}, which is the same
 * formula as {@code lr*mhat/(sqrt(vhat)+eps)} with one division per element.
 */
final class OptimizerKernels {
    private OptimizerKernels() {
    }

    static void update(OptimizerUpdate u, float[] w, float[] g, float[] s1, float[] s2, int lo, int hi) {
        Grad gr = new Grad(u.gradScale(), u.l1(), 2 * u.l2());
        float decay = u.lr() * u.weightDecay();
        switch (u.kind()) {
            case SGD -> sgd(gr, u.lr(), decay, w, g, lo, hi);
            case MOMENTUM -> momentum(gr, u, decay, w, g, s1, lo, hi);
            case NESTEROV -> nesterov(gr, u.lr(), u.momentum(), decay, w, g, s1, lo, hi);
            case RMSPROP -> rmsprop(gr, u.lr(), u.rho(), u.eps(), decay, w, g, s1, lo, hi);
            case ADAM -> adam(gr, u, decay, w, g, s1, s2, lo, hi);
            case ADAMAX -> adamax(gr, u, decay, w, g, s1, s2, lo, hi);
        }
    }

    /** The effective gradient {@code g' = scale*g + l1*sign(w) + l2x2*w}. */
    private record Grad(float scale, float l1, float l2x2) {
        float of(float w, float g) {
            float r = scale * g + l2x2 * w;
            return l1 == 0f ? r : r + l1 * Math.signum(w);
        }
    }

    private static void sgd(Grad gr, float lr, float decay, float[] w, float[] g, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            float wi = w[i];
            w[i] = wi - lr * gr.of(wi, g[i]) - decay * wi;
        }
    }

    private static void momentum(Grad gr, OptimizerUpdate u, float decay, float[] w, float[] g, float[] s1,
                                 int lo, int hi) {
        float mu = u.momentum();
        float gain = u.ewa() ? 1 - mu : 1f;
        float stepSize = u.lr() / u.biasCorrection1();
        for (int i = lo; i < hi; i++) {
            float wi = w[i];
            float v = mu * s1[i] + gain * gr.of(wi, g[i]);
            s1[i] = v;
            w[i] = wi - stepSize * v - decay * wi;
        }
    }

    private static void nesterov(Grad gr, float lr, float mu, float decay, float[] w, float[] g, float[] s1,
                                 int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            float wi = w[i];
            float gi = gr.of(wi, g[i]);
            float v = mu * s1[i] + gi;
            s1[i] = v;
            w[i] = wi - lr * (gi + mu * v) - decay * wi;
        }
    }

    private static void rmsprop(Grad gr, float lr, float rho, float eps, float decay, float[] w, float[] g,
                                float[] s1, int lo, int hi) {
        float c = 1 - rho;
        for (int i = lo; i < hi; i++) {
            float wi = w[i];
            float gi = gr.of(wi, g[i]);
            float s = rho * s1[i] + c * gi * gi;
            s1[i] = s;
            w[i] = wi - lr * gi / ((float) Math.sqrt(s) + eps) - decay * wi;
        }
    }

    private static void adam(Grad gr, OptimizerUpdate u, float decay, float[] w, float[] g, float[] s1, float[] s2,
                             int lo, int hi) {
        float b1 = u.beta1();
        float b2 = u.beta2();
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        float eps = u.eps();
        float stepSize = u.lr() / u.biasCorrection1();
        float invSqrtCorr2 = 1f / (float) Math.sqrt(u.biasCorrection2());
        for (int i = lo; i < hi; i++) {
            float wi = w[i];
            float gi = gr.of(wi, g[i]);
            float m = b1 * s1[i] + c1 * gi;
            float v = b2 * s2[i] + c2 * gi * gi;
            s1[i] = m;
            s2[i] = v;
            w[i] = wi - stepSize * m / ((float) Math.sqrt(v) * invSqrtCorr2 + eps) - decay * wi;
        }
    }

    private static void adamax(Grad gr, OptimizerUpdate u, float decay, float[] w, float[] g, float[] s1,
                               float[] s2, int lo, int hi) {
        float b1 = u.beta1();
        float b2 = u.beta2();
        float c1 = 1 - b1;
        float eps = u.eps();
        float stepSize = u.lr() / u.biasCorrection1();
        for (int i = lo; i < hi; i++) {
            float wi = w[i];
            float gi = gr.of(wi, g[i]);
            float m = b1 * s1[i] + c1 * gi;
            // NaN-propagating max, like the CUDA kernel's nan_max.
            float uu = Math.max(b2 * s2[i], Math.abs(gi));
            s1[i] = m;
            s2[i] = uu;
            w[i] = wi - stepSize * m / (uu + eps) - decay * wi;
        }
    }
}
