package io.myelin.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasPointerMode;
import jcuda.runtime.cudaStream_t;

/**
 * A cuBLAS handle bound to the backend's stream (pointer mode host: alpha and beta are passed from the
 * JVM), and row-major SGEMM on top of column-major cuBLAS.
 *
 * <pre>{@code
 * try (Cublas blas = Cublas.create(stream, plan)) { blas.sgemm(false, false, m, n, k, 1f, da, k, db, n, 0f, dc); }
 * }</pre>
 */
final class Cublas implements AutoCloseable {
    private final cublasHandle handle;
    private final String description;

    private Cublas(cublasHandle handle, String description) {
        this.handle = handle;
        this.description = description;
    }

    /** Loads cuBLAS as planned (see {@link CublasLoader}) and creates a handle on {@code stream}. */
    static Cublas create(CUstream stream, CublasLoader.Plan plan) {
        CublasLoader.Plan inForce = CublasLoader.load(plan);
        JCublas2.setExceptionsEnabled(true);
        cublasHandle handle = new cublasHandle();
        JCublas2.cublasCreate(handle);
        try {
            JCublas2.cublasSetStream(handle, new cudaStream_t(stream));
            JCublas2.cublasSetPointerMode(handle, cublasPointerMode.CUBLAS_POINTER_MODE_HOST);
            int[] version = new int[1];
            JCublas2.cublasGetVersion(handle, version);
            String v = version[0] / 10000 + "." + version[0] / 100 % 100 + "." + version[0] % 100;
            return new Cublas(handle, "cuBLAS " + v + (inForce.mode() == CublasLoader.Mode.CUDA13_SHIM
                    ? " via libcublas.so.12 shim" : ""));
        } catch (RuntimeException e) {
            JCublas2.cublasDestroy(handle);
            throw e;
        }
    }

    String description() {
        return description;
    }

    /**
     * Row-major {@code c = alpha * op(a) * op(b) + beta * c} with a (m, k) or (k, m) if transA, b (k, n) or
     * (n, k) if transB, c (m, n), each densely stored (leading dimension = its column count).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Pointer a, int aCols,
               Pointer b, int bCols, float beta, Pointer c) {
        sgemmRowMajor(handle, transA, transB, m, n, k, alpha, a, aCols, b, bCols, beta, c, n);
    }

    /**
     * The row-major trick: a row-major matrix is its transpose in column-major order, so
     * {@code C = op(A) op(B)} (row-major) is computed as {@code C^T = op(B)^T op(A)^T} (column-major):
     * cuBLAS gets the operands swapped, m and n swapped, and each leading dimension is the row length of
     * the stored matrix.
     */
    static void sgemmRowMajor(cublasHandle handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              Pointer a, int lda, Pointer b, int ldb, float beta, Pointer c, int ldc) {
        JCublas2.cublasSgemm(handle,
                transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                n, m, k, Pointer.to(new float[] {alpha}), b, ldb, a, lda, Pointer.to(new float[] {beta}), c, ldc);
    }

    @Override
    public void close() {
        JCublas2.cublasDestroy(handle);
    }
}
