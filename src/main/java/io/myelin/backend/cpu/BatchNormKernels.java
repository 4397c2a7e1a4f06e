package io.myelin.backend.cpu;

/**
 * Batch normalization over the batch axis of a row-major (n, c) array, split by column blocks [lo, hi)
 * so each thread owns its columns' statistics. Sums are taken in double (two passes for the variance), so
 * the statistics stay accurate for large batches and large means.
 */
final class BatchNormKernels {
    private BatchNormKernels() {
    }

    /** Training forward for columns [lo, hi): batch mean, invStd, running stats and y (see Backend#batchNormTrain). */
    static void train(float[] x, int n, int c, float[] gamma, float[] beta, float eps, float momentum,
                      boolean unbiased, float[] runningMean, float[] runningVar, float[] y, float[] mean,
                      float[] invStd, int lo, int hi) {
        int w = hi - lo;
        double[] s = Scratch.doubles(2 * w);   // s[0..w) = mean, s[w..2w) = sum of squared deviations
        java.util.Arrays.fill(s, 0, 2 * w, 0.0);
        for (int i = 0; i < n; i++) {
            int o = i * c;
            for (int j = lo; j < hi; j++) {
                s[j - lo] += x[o + j];
            }
        }
        for (int k = 0; k < w; k++) {
            s[k] /= n;
        }
        for (int i = 0; i < n; i++) {
            int o = i * c;
            for (int j = lo; j < hi; j++) {
                double d = x[o + j] - s[j - lo];
                s[w + j - lo] += d * d;
            }
        }
        for (int j = lo; j < hi; j++) {
            double m = s[j - lo];
            double var = s[w + j - lo] / n;
            double statVar = unbiased ? var * n / (n - 1) : var;
            mean[j] = (float) m;
            invStd[j] = (float) (1 / Math.sqrt(var + eps));
            runningMean[j] = (float) (momentum * (double) runningMean[j] + (1 - (double) momentum) * m);
            runningVar[j] = (float) (momentum * (double) runningVar[j] + (1 - (double) momentum) * statVar);
        }
        for (int i = 0; i < n; i++) {
            int o = i * c;
            for (int j = lo; j < hi; j++) {
                y[o + j] = gamma[j] * (x[o + j] - mean[j]) * invStd[j] + beta[j];
            }
        }
    }

    /** Inference for rows [lo, hi): y = gamma*(x - rm)*scale + beta, with scale[j] = 1/sqrt(rv[j] + eps) precomputed. */
    static void infer(float[] x, int c, float[] gamma, float[] beta, float[] runningMean, float[] scale, float[] y,
                      int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            int o = i * c;
            for (int j = 0; j < c; j++) {
                y[o + j] = gamma[j] * (x[o + j] - runningMean[j]) * scale[j] + beta[j];
            }
        }
    }

    /** Backward for columns [lo, hi) (see Backend#batchNormBackward); dx assigned, dgamma/dbeta (+)=. */
    static void backward(float[] x, int n, int c, float[] gamma, float[] mean, float[] invStd, float[] dy,
                         float[] dx, float[] dgamma, float[] dbeta, boolean accumulate, int lo, int hi) {
        int w = hi - lo;
        double[] s = Scratch.doubles(2 * w);   // s[0..w) = sum dy, s[w..2w) = sum dy*xhat
        java.util.Arrays.fill(s, 0, 2 * w, 0.0);
        for (int i = 0; i < n; i++) {
            int o = i * c;
            for (int j = lo; j < hi; j++) {
                double g = dy[o + j];
                s[j - lo] += g;
                s[w + j - lo] += g * ((x[o + j] - mean[j]) * invStd[j]);
            }
        }
        for (int j = lo; j < hi; j++) {
            float sdy = (float) s[j - lo];
            float sdyx = (float) s[w + j - lo];
            dbeta[j] = accumulate ? dbeta[j] + sdy : sdy;
            dgamma[j] = accumulate ? dgamma[j] + sdyx : sdyx;
        }
        for (int i = 0; i < n; i++) {
            int o = i * c;
            for (int j = lo; j < hi; j++) {
                double xhat = (x[o + j] - mean[j]) * (double) invStd[j];
                double k = gamma[j] * (double) invStd[j] / n;
                dx[o + j] = (float) (k * (n * (double) dy[o + j] - s[j - lo] - xhat * s[w + j - lo]));
            }
        }
    }
}
