package io.myelin.backend.cpu;

/**
 * A single-precision GEMM on row-major {@code float[]} matrices:
 * {@code c = alpha * op(a) * op(b) + beta * c}, op transposing when asked. a is (m, k), or (k, m) stored
 * when transA; b is (k, n), or (n, k) when transB; c is (m, n). Arrays start at offset 0 and are densely
 * packed. As in BLAS, {@code beta == 0} means c is not read (NaNs in c do not propagate). c must not be
 * the same array as a or b; every provider rejects that and too-short arrays via {@link #check}.
 *
 * <pre>{@code
 * Gemm g = GemmProviders.select(); g.sgemm(false, false, m, n, k, 1f, a, b, 0f, c);
 * }</pre>
 */
public interface Gemm {
    /** {@code native}, {@code java} or {@code ejml} (the values of {@code -Dmyelin.cpu.gemm}). */
    String name();

    /** One human line: which library, which native file. */
    String description();

    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
               float beta, float[] c);

    /**
     * Rejects arrays too short for their matrices and c sharing an array with a or b (the product would
     * read values it has already overwritten).
     */
    static void check(String provider, int m, int n, int k, float[] a, float[] b, float[] c) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(provider + " sgemm: negative dimension m=" + m + " n=" + n + " k=" + k);
        }
        if (c == a || c == b) {
            throw new IllegalArgumentException(provider + " sgemm: c may not be the same array as " + (c == a ? "a" : "b"));
        }
        if ((long) m * k > a.length || (long) k * n > b.length || (long) m * n > c.length) {
            throw new IllegalArgumentException(provider + " sgemm: m=" + m + " n=" + n + " k=" + k + " needs a >= "
                    + (long) m * k + ", b >= " + (long) k * n + ", c >= " + (long) m * n + " floats, got " + a.length
                    + ", " + b.length + ", " + c.length);
        }
    }
}
