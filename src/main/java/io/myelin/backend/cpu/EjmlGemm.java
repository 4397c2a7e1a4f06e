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
        if (beta == 0f) {
            // mult* overwrite c, matching BLAS's "beta = 0: c is not read".
            if (mt) {
                multMt(transA, transB, alpha, ma, mb, mc);
            } else {
                mult(transA, transB, alpha, ma, mb, mc);
            }
            return;
        }
        if (beta != 1f) {
            CommonOps_FDRM.scale(beta, mc);
        }
        if (!transA && !transB) {
            if (mt) {
                CommonOps_MT_FDRM.multAdd(alpha, ma, mb, mc);
            } else {
                CommonOps_FDRM.multAdd(alpha, ma, mb, mc);
            }
        } else if (transA && !transB) {
            if (mt) {
                CommonOps_MT_FDRM.multAddTransA(alpha, ma, mb, mc);
            } else {
                CommonOps_FDRM.multAddTransA(alpha, ma, mb, mc);
            }
        } else if (!transA) {
            if (mt) {
                CommonOps_MT_FDRM.multAddTransB(alpha, ma, mb, mc);
            } else {
                CommonOps_FDRM.multAddTransB(alpha, ma, mb, mc);
            }
        } else {
            if (mt) {
                CommonOps_MT_FDRM.multAddTransAB(alpha, ma, mb, mc);
            } else {
                CommonOps_FDRM.multAddTransAB(alpha, ma, mb, mc);
            }
        }
    }

    private static void mult(boolean transA, boolean transB, float alpha, FMatrixRMaj a, FMatrixRMaj b,
                             FMatrixRMaj c) {
        if (!transA && !transB) {
            CommonOps_FDRM.mult(alpha, a, b, c);
        } else if (transA && !transB) {
            CommonOps_FDRM.multTransA(alpha, a, b, c);
        } else if (!transA) {
            CommonOps_FDRM.multTransB(alpha, a, b, c);
        } else {
            CommonOps_FDRM.multTransAB(alpha, a, b, c);
        }
    }

    private static void multMt(boolean transA, boolean transB, float alpha, FMatrixRMaj a, FMatrixRMaj b,
                               FMatrixRMaj c) {
        if (!transA && !transB) {
            CommonOps_MT_FDRM.mult(alpha, a, b, c);
        } else if (transA && !transB) {
            CommonOps_MT_FDRM.multTransA(alpha, a, b, c);
        } else if (!transA) {
            CommonOps_MT_FDRM.multTransB(alpha, a, b, c);
        } else {
            CommonOps_MT_FDRM.multTransAB(alpha, a, b, c);
        }
    }
}
