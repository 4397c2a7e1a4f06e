package io.myelin.backend.cpu;

/**
 * PReLU with one trainable slope per column: forward over rows, backward over column blocks so each
 * thread owns its slice of dalpha (no shared accumulators). Arrays are row-major (rows, cols).
 */
final class PReluKernels {
    private PReluKernels() {
    }

    /** y = x > 0 ? x : alpha[j] * x for rows [lo, hi); y may be x. */
    static void forward(float[] x, float[] alpha, float[] y, int cols, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                float v = x[o + j];
                y[o + j] = v > 0 ? v : alpha[j] * v;
            }
        }
    }

    /**
     * Columns [lo, hi): dx = dy * (x > 0 ? 1 : alpha[j]); dalpha[j] (+)= sum_i dy * x * (x <= 0), summed in
     * double. dx may be dy (each element is read before it is written).
     */
    static void backward(float[] x, float[] alpha, float[] dy, float[] dx, float[] dalpha, boolean accumulate,
                         int rows, int cols, int lo, int hi) {
        double[] sum = Scratch.doubles(hi - lo);
        java.util.Arrays.fill(sum, 0, hi - lo, 0.0);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = lo; j < hi; j++) {
                float v = x[o + j];
                float g = dy[o + j];
                if (v > 0) {
                    dx[o + j] = g;
                } else {
                    sum[j - lo] += (double) g * v;
                    dx[o + j] = g * alpha[j];
                }
            }
        }
        for (int j = lo; j < hi; j++) {
            float s = (float) sum[j - lo];
            dalpha[j] = accumulate ? dalpha[j] + s : s;
        }
    }
}
