package io.myelin.backend.cpu;

/**
 * Row-wise softmax and the fused softmax cross-entropy, forward and backward. Every row is shifted by its
 * maximum before exponentiating, and the loss is taken from the log-sum-exp
 * ({@code loss = sum_j y_j * (lse - x_j)}), never from {@code log p}, so it stays finite for confident
 * wrong predictions. Rows [lo, hi) of a (rows, k) array.
 */
final class SoftmaxKernels {
    private SoftmaxKernels() {
    }

    /** probs[r, :] = softmax(x[r, :]); returns nothing, y may not be x (checked by the caller). */
    static void softmax(float[] x, float[] y, int k, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            softmaxRow(x, y, r * k, k);
        }
    }

    /**
     * Forward: probs = softmax(logits); loss[r] = -sum_j y_j log p_j. labels is (rows, k) when
     * {@code sparse} is false, else (rows, 1) class indices (validated by the caller).
     */
    static void crossEntropy(float[] logits, float[] labels, boolean sparse, float[] probs, float[] loss, int k,
                             int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            int o = r * k;
            double lse = softmaxRow(logits, probs, o, k);
            if (sparse) {
                loss[r] = (float) (lse - logits[o + (int) labels[r]]);
            } else {
                double s = 0;
                for (int j = 0; j < k; j++) {
                    float yj = labels[o + j];
                    if (yj != 0f) {   // 0 * (lse - x) would turn an infinite logit into NaN
                        s += yj * (lse - logits[o + j]);
                    }
                }
                loss[r] = (float) s;
            }
        }
    }

    /** Backward: dlogits = scale * (probs - y), y one-hot/soft (rows, k) or sparse (rows, 1). */
    static void crossEntropyBackward(float[] probs, float[] labels, boolean sparse, float scale, float[] d, int k,
                                     int lo, int hi) {
        if (sparse) {
            for (int r = lo; r < hi; r++) {
                int o = r * k;
                for (int j = o; j < o + k; j++) {
                    d[j] = scale * probs[j];
                }
                d[o + (int) labels[r]] -= scale;
            }
        } else {
            for (int i = lo * k; i < hi * k; i++) {
                d[i] = scale * (probs[i] - labels[i]);
            }
        }
    }

    /** y[o..o+k) = softmax(x[o..o+k)); returns the row's log-sum-exp {@code max + log sum e^(x-max)}. */
    private static double softmaxRow(float[] x, float[] y, int o, int k) {
        float max = x[o];
        for (int j = 1; j < k; j++) {
            max = Math.max(max, x[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            float e = (float) Math.exp(x[o + j] - max);
            y[o + j] = e;
            sum += e;
        }
        float inv = (float) (1 / sum);
        for (int j = 0; j < k; j++) {
            y[o + j] *= inv;
        }
        return max + Math.log(sum);
    }
}
