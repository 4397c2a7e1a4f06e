package io.myelin.backend.cpu;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;

/**
 * GEMM through EJML: the arrays are wrapped (not copied) as {@link FMatrixRMaj} and multiplied with
 * {@code CommonOps_FDRM} ({@code CommonOps_MT_FDRM}, EJML's multi-threaded variant, for large products).
 * EJML has no beta, so c is scaled first and the product added with {@code multAdd*}.
 *
 * <pre>{@code
 * new EjmlGemm().sgemm(true, false, m, n, k, 1f, a, b, 0f, c);
 * }</pre>
 */
public final class EjmlGemm implements Gemm {
    /** Products smaller than this (m*n*k) run single-threaded; EJML's threading costs more below it. */
    private static final long MT_THRESHOLD = 1L << 18;

    @Override
    public String name() {
        return "ejml";
    }

    @Override
    public String description() {
        return "EJML " + org.ejml.EjmlVersion.VERSION + " CommonOps_FDRM";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                      float beta, float[] c) {
        Gemm.check("ejml", m, n, k, a, b, c);
        FMatrixRMaj ma = transA ? FMatrixRMaj.wrap(k, m, a) : FMatrixRMaj.wrap(m, k, a);
        FMatrixRMaj mb = transB ? FMatrixRMaj.wrap(n, k, b) : FMatrixRMaj.wrap(k, n, b);
        FMatrixRMaj mc = FMatrixRMaj.wrap(m, n, c);
        boolean mt = (long) m * n * k >= MT_THRESHOLD && Parallel.cores() > 1;
        // mult* overwrite c, matching BLAS's "beta = 0: c is not read"; else c is scaled and multAdd* adds.
        boolean add = beta != 0f;
        if (add && beta != 1f) {
            CommonOps_FDRM.scale(beta, mc);
        }
        PRODUCTS[(add ? 8 : 0) + (mt ? 4 : 0) + (transA ? 2 : 0) + (transB ? 1 : 0)].run(alpha, ma, mb, mc);
    }

    /** One EJML product: {@code c = alpha * op(a) * op(b)} (mult*) or {@code c += ...} (multAdd*). */
    @FunctionalInterface
    private interface Product {
        void run(float alpha, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c);
    }

    /** Indexed by {@code add*8 + multiThreaded*4 + transA*2 + transB}. */
    private static final Product[] PRODUCTS = {
        CommonOps_FDRM::mult, CommonOps_FDRM::multTransB, CommonOps_FDRM::multTransA, CommonOps_FDRM::multTransAB,
        CommonOps_MT_FDRM::mult, CommonOps_MT_FDRM::multTransB, CommonOps_MT_FDRM::multTransA,
        CommonOps_MT_FDRM::multTransAB,
        CommonOps_FDRM::multAdd, CommonOps_FDRM::multAddTransB, CommonOps_FDRM::multAddTransA,
        CommonOps_FDRM::multAddTransAB,
        CommonOps_MT_FDRM::multAdd, CommonOps_MT_FDRM::multAddTransB, CommonOps_MT_FDRM::multAddTransA,
        CommonOps_MT_FDRM::multAddTransAB,
    };
}
