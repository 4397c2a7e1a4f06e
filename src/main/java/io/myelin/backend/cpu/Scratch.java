package io.myelin.backend.cpu;

/**
 * Per-thread scratch arrays for kernels that need a few temporaries per column (batch-norm sums, PReLU
 * partial sums), grown on demand and reused, so steady-state training steps do not allocate. A kernel may
 * hold one array of each type at a time and must not call another kernel that takes the same one.
 */
final class Scratch {
    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[][] {new double[64]});
    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[][] {new float[64]});

    private Scratch() {
    }

    /** This thread's double scratch with at least n elements (contents undefined). */
    static double[] doubles(int n) {
        double[][] h = DOUBLES.get();
        if (h[0].length < n) {
            h[0] = new double[Math.max(n, 2 * h[0].length)];
        }
        return h[0];
    }

    /** This thread's float scratch with at least n elements (contents undefined). */
    static float[] floats(int n) {
        float[][] h = FLOATS.get();
        if (h[0].length < n) {
            h[0] = new float[Math.max(n, 2 * h[0].length)];
        }
        return h[0];
    }
}
