package io.myelin.backend.cpu;

import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;

/**
 * Loops of {@link UnaryOp} and {@link BinaryOp} on float arrays. One loop per op (the switch sits outside
 * the loop so each loop is a simple, vectorizable body); ranges are {@code [lo, hi)} so the backend can
 * split them across cores.
 */
final class ElementwiseKernels {
    private ElementwiseKernels() {
    }

    /** {@code y[i] = op(x[i]; a, b)} for i in [lo, hi); y may be x. */
    static void unary(UnaryOp op, float a, float b, float[] x, float[] y, int lo, int hi) {
        switch (op) {
            case AFFINE -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = a * x[i] + b;
                }
            }
            case ABS -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = Math.abs(x[i]);
                }
            }
            case SIGN -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = Math.signum(x[i]);   // +-0 and NaN map to themselves, as on CUDA
                }
            }
            case EXP -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = (float) Math.exp(x[i]);
                }
            }
            case LOG -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = (float) Math.log(x[i]);
                }
            }
            case SQRT -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = (float) Math.sqrt(x[i]);
                }
            }
            case SQUARE -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = x[i] * x[i];
                }
            }
            case RECIPROCAL -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = 1f / x[i];
                }
            }
            case CLAMP -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = Math.min(Math.max(x[i], a), b);
                }
            }
            case GREATER_THAN -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = x[i] > a ? 1f : 0f;
                }
            }
        }
    }

    /**
     * {@code out[i] = x[i] (op) y[i]} for i in [lo, hi): same-shape operands. One index for all three arrays:
     * with separate offsets for x/out and y, HotSpot 17's C2 cannot tell that the store to out and the load of y
     * do not overlap, and leaves the loop scalar (about 3x slower on 2^18 floats; docs/benchmarks.md).
     */
    static void binary(BinaryOp op, float[] x, float[] y, float[] out, int lo, int hi) {
        switch (op) {
            case ADD -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = x[i] + y[i];
                }
            }
            case SUB -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = x[i] - y[i];
                }
            }
            case MUL -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = x[i] * y[i];
                }
            }
            case DIV -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = x[i] / y[i];
                }
            }
            case MAX -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = Math.max(x[i], y[i]);
                }
            }
            case MIN -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = Math.min(x[i], y[i]);
                }
            }
            case GREATER -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = x[i] > y[i] ? 1f : 0f;
                }
            }
        }
    }

    /**
     * {@code out[o + i] = x[o + i] (op) y[i]} for i in [from, n): one row against a row vector y. C2 leaves this
     * loop scalar (the store to out and the load of y have different offsets, see above); {@link VectorKernels}
     * runs ADD, SUB, MUL and DIV with SIMD lanes where {@link Simd#ENABLED}.
     */
    static void binaryRow(BinaryOp op, float[] x, float[] y, float[] out, int o, int n, int from) {
        switch (op) {
            case ADD -> {
                for (int i = from; i < n; i++) {
                    out[o + i] = x[o + i] + y[i];
                }
            }
            case SUB -> {
                for (int i = from; i < n; i++) {
                    out[o + i] = x[o + i] - y[i];
                }
            }
            case MUL -> {
                for (int i = from; i < n; i++) {
                    out[o + i] = x[o + i] * y[i];
                }
            }
            case DIV -> {
                for (int i = from; i < n; i++) {
                    out[o + i] = x[o + i] / y[i];
                }
            }
            case MAX -> {
                for (int i = from; i < n; i++) {
                    out[o + i] = Math.max(x[o + i], y[i]);
                }
            }
            case MIN -> {
                for (int i = from; i < n; i++) {
                    out[o + i] = Math.min(x[o + i], y[i]);
                }
            }
            case GREATER -> {
                for (int i = from; i < n; i++) {
                    out[o + i] = x[o + i] > y[i] ? 1f : 0f;
                }
            }
        }
    }

    /** {@code out[o + i] = x[o + i] (op) s} for i in [0, n): one row against a column-broadcast scalar. */
    static void binaryScalar(BinaryOp op, float[] x, float s, float[] out, int o, int n) {
        switch (op) {
            case ADD -> {
                for (int i = o; i < o + n; i++) {
                    out[i] = x[i] + s;
                }
            }
            case SUB -> {
                for (int i = o; i < o + n; i++) {
                    out[i] = x[i] - s;
                }
            }
            case MUL -> {
                for (int i = o; i < o + n; i++) {
                    out[i] = x[i] * s;
                }
            }
            case DIV -> {
                for (int i = o; i < o + n; i++) {
                    out[i] = x[i] / s;
                }
            }
            case MAX -> {
                for (int i = o; i < o + n; i++) {
                    out[i] = Math.max(x[i], s);
                }
            }
            case MIN -> {
                for (int i = o; i < o + n; i++) {
                    out[i] = Math.min(x[i], s);
                }
            }
            case GREATER -> {
                for (int i = o; i < o + n; i++) {
                    out[i] = x[i] > s ? 1f : 0f;
                }
            }
        }
    }

    /** Rows [lo, hi) of a (rows, cols) x against a row vector y (1, cols). */
    static void binaryRowBroadcast(BinaryOp op, float[] x, float[] y, float[] out, int cols, int lo, int hi) {
        if (Simd.ENABLED && VectorKernels.hasRowOp(op)) {
            VectorKernels.binaryRowBroadcast(op, x, y, out, cols, lo, hi);
            return;
        }
        for (int r = lo; r < hi; r++) {
            binaryRow(op, x, y, out, r * cols, cols, 0);
        }
    }

    /** Rows [lo, hi) of a (rows, cols) x against a column vector y (rows, 1). */
    static void binaryColBroadcast(BinaryOp op, float[] x, float[] y, float[] out, int cols, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            binaryScalar(op, x, y[r], out, r * cols, cols);
        }
    }
}
