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

    /** {@code out[o + i] = x[o + i] (op) y[yo + i]} for i in [0, n): full or row-broadcast y. */
    static void binary(BinaryOp op, float[] x, float[] y, int yo, float[] out, int o, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = x[o + i] + y[yo + i];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = x[o + i] - y[yo + i];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = x[o + i] * y[yo + i];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = x[o + i] / y[yo + i];
                }
            }
            case MAX -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = Math.max(x[o + i], y[yo + i]);
                }
            }
            case MIN -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = Math.min(x[o + i], y[yo + i]);
                }
            }
            case GREATER -> {
                for (int i = 0; i < n; i++) {
                    out[o + i] = x[o + i] > y[yo + i] ? 1f : 0f;
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
        for (int r = lo; r < hi; r++) {
            binary(op, x, y, 0, out, r * cols, cols);
        }
    }

    /** Rows [lo, hi) of a (rows, cols) x against a column vector y (rows, 1). */
    static void binaryColBroadcast(BinaryOp op, float[] x, float[] y, float[] out, int cols, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            binaryScalar(op, x, y[r], out, r * cols, cols);
        }
    }
}
