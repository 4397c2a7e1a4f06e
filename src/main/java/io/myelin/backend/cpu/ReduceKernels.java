package io.myelin.backend.cpu;

import io.myelin.backend.ReduceOp;

/**
 * Row and column reductions of a row-major (rows, cols) array. MAX and ARGMAX use strict {@code >}, so
 * ties resolve to the first index and NaNs are skipped unless a whole line is NaN.
 */
final class ReduceKernels {
    private ReduceKernels() {
    }

    /** Axis 1: out[r] = reduce(x[r, :]) for rows r in [lo, hi). */
    static void rows(ReduceOp op, float[] x, int cols, float[] out, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            int o = r * cols;
            switch (op) {
                case SUM -> {
                    double s = 0;   // double: a row of a wide layer sums thousands of terms
                    for (int j = 0; j < cols; j++) {
                        s += x[o + j];
                    }
                    out[r] = (float) s;
                }
                case MAX -> out[r] = x[o + argmax(x, o, 1, cols)];
                case ARGMAX -> out[r] = argmax(x, o, 1, cols);
            }
        }
    }

    /** Axis 0: out[c] = reduce(x[:, c]) for columns c in [lo, hi). */
    static void cols(ReduceOp op, float[] x, int rows, int cols, float[] out, int lo, int hi) {
        switch (op) {
            case SUM -> {
                if (Simd.ENABLED) {
                    VectorKernels.columnSums(x, rows, cols, out, lo, hi);
                } else {
                    columnSumsScalar(x, rows, cols, out, lo, hi);
                }
            }
            case MAX -> {
                for (int c = lo; c < hi; c++) {
                    out[c] = x[c + cols * argmax(x, c, cols, rows)];
                }
            }
            case ARGMAX -> {
                for (int c = lo; c < hi; c++) {
                    out[c] = argmax(x, c, cols, rows);
                }
            }
        }
    }

    /**
     * out[c] = x[0, c] + x[1, c] + ... in float, in row order, for columns [lo, hi). Row by row over the column
     * block keeps the inner loop contiguous, but C2 17 leaves it scalar (the store to out and the load of x have
     * different offsets); {@link VectorKernels#columnSums} adds the same terms in the same order with SIMD lanes.
     */
    static void columnSumsScalar(float[] x, int rows, int cols, float[] out, int lo, int hi) {
        for (int c = lo; c < hi; c++) {
            out[c] = 0f;
        }
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = lo; c < hi; c++) {
                out[c] += x[o + c];
            }
        }
    }

    /** Index k in [0, n) of the first maximum of x[start + k*stride]. */
    static int argmax(float[] x, int start, int stride, int n) {
        int best = 0;
        float bv = x[start];
        for (int k = 1; k < n; k++) {
            float v = x[start + k * stride];
            if (v > bv || (bv != bv && v == v)) {
                bv = v;
                best = k;
            }
        }
        return best;
    }
}
