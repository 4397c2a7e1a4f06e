package io.myelin.backend;

import io.myelin.tensor.Tensor;

/**
 * The generic argument rules behind {@link Checks}, and the one message format:
 * {@code "<op>[ <kind>]: <arguments with their shapes> must <rule>"}, e.g.
 * {@code "reduce SUM: x (7, 1) and out (7, 1) must not share a buffer"}. {@code kind} is the op's enum
 * constant (UnaryOp, Activation, ...) or null.
 *
 * <p>A passing check allocates nothing (the CPU backend runs them on every op of the training loop): no
 * varargs arrays, no string building, no lambdas; messages are built only when a check fails.
 */
final class TensorChecks {
    private TensorChecks() {
    }

    /** The exception for a failed check: {@code "op kind: text"}. */
    static IllegalArgumentException fail(String op, Object kind, String text) {
        return new IllegalArgumentException((kind == null ? op : op + " " + kind) + ": " + text);
    }

    static String dims(int rows, int cols) {
        return "(" + rows + ", " + cols + ")";
    }

    /** t must be (rows, cols). */
    static void shape(String op, Object kind, String name, Tensor t, int rows, int cols) {
        if (t.rows() != rows || t.cols() != cols) {
            throw fail(op, kind, name + " " + t.describe() + " must be " + dims(rows, cols));
        }
    }

    /** a and b must have the same (rows, cols). */
    static void sameShape(String op, Object kind, String an, Tensor a, String bn, Tensor b) {
        if (!a.sameShape(b)) {
            throw fail(op, kind, an + " " + a.describe() + " and " + bn + " " + b.describe()
                    + " must have the same shape");
        }
    }

    /** a and b must hold the same number of elements. */
    static void sameSize(String op, Object kind, String an, Tensor a, String bn, Tensor b) {
        if (a.size() != b.size()) {
            throw fail(op, kind, an + " " + a.describe() + " and " + bn + " " + b.describe()
                    + " must have the same number of elements");
        }
    }

    /** a and b must not share a buffer. */
    static void distinct(String op, Object kind, String an, Tensor a, String bn, Tensor b) {
        if (a.storage() == b.storage()) {
            throw aliased(op, kind, an, a, bn, b);
        }
    }

    /** The three-tensor form of the eight-tensor {@code distinct}. */
    static void distinct(String op, Object kind, String names, Tensor t0, Tensor t1, Tensor t2) {
        distinct(op, kind, names, t0, t1, t2, null, null, null, null, null);
    }

    /** The four-tensor form of the eight-tensor {@code distinct}. */
    static void distinct(String op, Object kind, String names, Tensor t0, Tensor t1, Tensor t2, Tensor t3) {
        distinct(op, kind, names, t0, t1, t2, t3, null, null, null, null);
    }

    /** The five-tensor form of the eight-tensor {@code distinct}. */
    static void distinct(String op, Object kind, String names, Tensor t0, Tensor t1, Tensor t2, Tensor t3,
                         Tensor t4) {
        distinct(op, kind, names, t0, t1, t2, t3, t4, null, null, null);
    }

    /**
     * No two of the tensors may share a buffer; {@code names} lists them comma-separated in order. Null
     * tensors (unused optional arguments, or the padding of the shorter forms) are skipped. Fixed arity
     * rather than varargs, so a passing call allocates no array.
     */
    static void distinct(String op, Object kind, String names, Tensor t0, Tensor t1, Tensor t2, Tensor t3,
                         Tensor t4, Tensor t5, Tensor t6, Tensor t7) {
        for (int i = 0; i < 8; i++) {
            Tensor a = nth(i, t0, t1, t2, t3, t4, t5, t6, t7);
            for (int j = i + 1; a != null && j < 8; j++) {
                Tensor b = nth(j, t0, t1, t2, t3, t4, t5, t6, t7);
                if (b != null && a.storage() == b.storage()) {
                    String[] n = names.split(",");
                    throw aliased(op, kind, n[i].trim(), a, n[j].trim(), b);
                }
            }
        }
    }

    private static Tensor nth(int i, Tensor t0, Tensor t1, Tensor t2, Tensor t3, Tensor t4, Tensor t5, Tensor t6,
                              Tensor t7) {
        return switch (i) {
            case 0 -> t0;
            case 1 -> t1;
            case 2 -> t2;
            case 3 -> t3;
            case 4 -> t4;
            case 5 -> t5;
            case 6 -> t6;
            default -> t7;
        };
    }

    private static IllegalArgumentException aliased(String op, Object kind, String an, Tensor a, String bn, Tensor b) {
        return fail(op, kind, an + " " + a.describe() + " and " + bn + " " + b.describe() + " must not share a buffer");
    }
}
