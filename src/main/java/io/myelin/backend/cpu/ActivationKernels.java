package io.myelin.backend.cpu;

import io.myelin.backend.Activation;

/**
 * Forward and derivative loops of the pointwise {@link Activation}s, side by side. Transcendentals are
 * evaluated in double and rounded once, so the float results are within an ulp or two of exact.
 */
final class ActivationKernels {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double GELU_TANH_C = 0.044715;

    private ActivationKernels() {
    }

    /** {@code y[i] = f(x[i])} for i in [lo, hi); y may be x. */
    static void forward(Activation act, float p, float[] x, float[] y, int lo, int hi) {
        switch (act) {
            case LINEAR -> System.arraycopy(x, lo, y, lo, hi - lo);
            case STEP -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = x[i] >= 0 ? 1f : 0f;
                }
            }
            case SIGMOID -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = (float) sigmoid(x[i]);
                }
            }
            case TANH -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = (float) Math.tanh(x[i]);
                }
            }
            case RELU -> {
                if (Simd.ENABLED) {
                    VectorKernels.reluForward(x, y, lo, hi);
                } else {
                    reluForwardScalar(x, y, lo, hi);
                }
            }
            case LEAKY_RELU -> {
                if (Simd.ENABLED) {
                    VectorKernels.leakyReluForward(p, x, y, lo, hi);
                } else {
                    leakyReluForwardScalar(p, x, y, lo, hi);
                }
            }
            case ELU -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = x[i] > 0 ? x[i] : (float) (p * Math.expm1(x[i]));
                }
            }
            case SELU -> {
                double alpha = Activation.SELU_ALPHA;
                double scale = Activation.SELU_SCALE;
                for (int i = lo; i < hi; i++) {
                    double v = x[i];
                    y[i] = (float) (scale * (v > 0 ? v : alpha * Math.expm1(v)));
                }
            }
            case GELU -> {
                for (int i = lo; i < hi; i++) {
                    double v = x[i];
                    y[i] = (float) (v * normalCdf(v));
                }
            }
            case GELU_TANH -> {
                for (int i = lo; i < hi; i++) {
                    double v = x[i];
                    // 0.5(1 + tanh u) = sigmoid(2u): 1 + tanh u cancels to 0 below x = -6 even in double
                    y[i] = (float) (v * sigmoid(2 * SQRT_2_OVER_PI * (v + GELU_TANH_C * v * v * v)));
                }
            }
            case SWISH -> {
                for (int i = lo; i < hi; i++) {
                    double v = x[i];
                    y[i] = (float) (v * sigmoid(p * v));
                }
            }
        }
    }

    /** {@code dx[i] = dy[i] * f'(x[i])} for i in [lo, hi), using the forward output y where cheaper. */
    static void backward(Activation act, float p, float[] x, float[] y, float[] dy, float[] dx, int lo, int hi) {
        switch (act) {
            case LINEAR -> System.arraycopy(dy, lo, dx, lo, hi - lo);
            case STEP -> java.util.Arrays.fill(dx, lo, hi, 0f);
            case SIGMOID -> {
                for (int i = lo; i < hi; i++) {
                    dx[i] = dy[i] * y[i] * (1f - y[i]);
                }
            }
            case TANH -> {
                for (int i = lo; i < hi; i++) {
                    dx[i] = dy[i] * ((1f - y[i]) * (1f + y[i]));   // no cancellation near |y| = 1, no fma to differ
                }
            }
            case RELU -> {
                if (Simd.ENABLED) {
                    VectorKernels.reluBackward(x, dy, dx, lo, hi);
                } else {
                    reluBackwardScalar(x, dy, dx, lo, hi);
                }
            }
            case LEAKY_RELU -> {
                if (Simd.ENABLED) {
                    VectorKernels.leakyReluBackward(p, x, dy, dx, lo, hi);
                } else {
                    leakyReluBackwardScalar(p, x, dy, dx, lo, hi);
                }
            }
            case ELU -> {
                for (int i = lo; i < hi; i++) {
                    dx[i] = x[i] > 0 ? dy[i] : (float) (dy[i] * p * Math.exp(x[i]));
                }
            }
            case SELU -> {
                double alpha = Activation.SELU_ALPHA;
                double scale = Activation.SELU_SCALE;
                for (int i = lo; i < hi; i++) {
                    double v = x[i];
                    dx[i] = (float) (dy[i] * scale * (v > 0 ? 1 : alpha * Math.exp(v)));
                }
            }
            case GELU -> {
                for (int i = lo; i < hi; i++) {
                    double v = x[i];
                    dx[i] = (float) (dy[i] * (normalCdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v)));
                }
            }
            case GELU_TANH -> {
                for (int i = lo; i < hi; i++) {
                    double v = x[i];
                    double s = sigmoid(2 * SQRT_2_OVER_PI * (v + GELU_TANH_C * v * v * v));   // (1 + tanh u)/2
                    double du = SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_C * v * v);
                    dx[i] = (float) (dy[i] * (s + 2 * v * s * (1 - s) * du));   // 1 - tanh^2 u = 4s(1 - s)
                }
            }
            case SWISH -> {
                for (int i = lo; i < hi; i++) {
                    double v = x[i];
                    double s = sigmoid(p * v);
                    dx[i] = (float) (dy[i] * (s + p * v * s * (1 - s)));
                }
            }
        }
    }

    // The ReLU family's scalar loops: the reference for VectorKernels and the path without jdk.incubator.vector.
    // C2 17 compiles the conditional to a branch (x86 has no conditional move for float registers), never to SIMD.
    // The contract (CPU and kernels/activations.cu alike): NaN and -0 are not > 0, so relu gives +0 for them and
    // their dx is +0 (a select, not dy * 0: an infinite or NaN dy at x <= 0 gives +0, and dy = -0 at x > 0 stays -0).

    static void reluForwardScalar(float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = x[i] > 0 ? x[i] : 0f;
        }
    }

    static void reluBackwardScalar(float[] x, float[] dy, float[] dx, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            dx[i] = x[i] > 0 ? dy[i] : 0f;
        }
    }

    static void leakyReluForwardScalar(float p, float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = x[i] > 0 ? x[i] : p * x[i];
        }
    }

    static void leakyReluBackwardScalar(float p, float[] x, float[] dy, float[] dx, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            dx[i] = x[i] > 0 ? dy[i] : p * dy[i];
        }
    }

    /** 1/(1+e^-v) without overflow: e^-|v| never exceeds 1. */
    static double sigmoid(double v) {
        if (v >= 0) {
            return 1 / (1 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1 + e);
    }

    /** Standard normal CDF through erfc, accurate in the lower tail. */
    static double normalCdf(double v) {
        return 0.5 * Erf.erfc(-v * INV_SQRT_2);
    }
}
