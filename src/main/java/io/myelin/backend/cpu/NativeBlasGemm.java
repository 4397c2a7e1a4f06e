package io.myelin.backend.cpu;

import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * GEMM through netlib-java 3.x JNI ({@code dev.ludovic.netlib.blas.NativeBLAS}) over the system BLAS.
 * netlib's JNI stub {@code dlopen}s {@code libblas.so.3} (override with
 * {@code -Ddev.ludovic.netlib.blas.nativeLib=NAME} or {@code nativeLibPath=PATH}); on Debian that name is
 * the alternatives link to OpenBLAS when {@code libopenblas0-pthread} is installed, so no flag is needed.
 *
 * <p>BLAS is column-major. A row-major (r, c) matrix is the column-major (c, r) matrix of its transpose, so
 * row-major {@code C = op(A) op(B)} is computed as column-major {@code C^T = op(B)^T op(A)^T}: swap the
 * operands and m/n, keep the transpose flags, and pass the row lengths as leading dimensions.
 *
 * <pre>{@code
 * Gemm g = NativeBlasGemm.load(); // throws when no native BLAS can be loaded
 * }</pre>
 */
public final class NativeBlasGemm implements Gemm {
    private final NativeBLAS blas;
    private final String library;

    private NativeBlasGemm(NativeBLAS blas, String library) {
        this.blas = blas;
        this.library = library;
    }

    /**
     * Loads native BLAS through netlib.
     *
     * @throws IllegalStateException saying why when it cannot be loaded
     */
    public static NativeBlasGemm load() {
        return new NativeBlasGemm(NativeBlasLoader.instance(), NativeBlasLoader.libraryDescription());
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public String description() {
        return "netlib JNI -> " + library;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                      float beta, float[] c) {
        Gemm.check("native", m, n, k, a, b, c);
        int lda = transA ? m : k;   // row length of a as stored
        int ldb = transB ? k : n;   // row length of b as stored
        blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha, b, Math.max(1, ldb), a,
                Math.max(1, lda), beta, c, Math.max(1, n));
    }
}
