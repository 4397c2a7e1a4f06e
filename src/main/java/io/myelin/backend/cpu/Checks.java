package io.myelin.backend.cpu;

import io.myelin.tensor.Tensor;

/**
 * Argument validation shared by the CPU ops; every message names the op and the shapes involved.
 * Messages are built only on failure, so a passing check allocates nothing ({@code kind} is the op's
 * enum constant, or null).
 */
final class Checks {
    private Checks() {
    }

    static String op(String op, Object kind) {
        return kind == null ? op : op + " " + kind;
    }

    static void sameSize(String op, Object kind, String an, Tensor a, String bn, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(op(op, kind) + ": " + an + " " + a.describe() + " and " + bn + " "
                    + b.describe() + " must have the same number of elements");
        }
    }

    static void sameShape(String op, Object kind, String an, Tensor a, String bn, Tensor b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(op(op, kind) + ": " + an + " " + a.describe() + " and " + bn + " "
                    + b.describe() + " must have the same shape");
        }
    }

    static void shape(String op, Object kind, String name, Tensor t, int rows, int cols) {
        if (t.rows() != rows || t.cols() != cols) {
            throw new IllegalArgumentException(op(op, kind) + ": " + name + " must be (" + rows + ", " + cols
                    + "), got " + t.describe());
        }
    }

    /**
     * Rejects any two tensors sharing a buffer; {@code names} lists them comma-separated in order. Null
     * tensors (unused optional arguments) are skipped.
     */
    static void distinct(String op, Object kind, String names, Tensor... ts) {
        for (int i = 0; i < ts.length; i++) {
            for (int j = i + 1; j < ts.length; j++) {
                if (ts[i] != null && ts[j] != null && ts[i].storage() == ts[j].storage()) {
                    String[] n = names.split(",");
                    throw new IllegalArgumentException(op(op, kind) + ": " + n[i].trim() + " " + ts[i].describe()
                            + " and " + n[j].trim() + " " + ts[j].describe() + " may not share a buffer");
                }
            }
        }
    }

    /** Two-tensor form of {@link #distinct(String, Object, String, Tensor...)} without a varargs array. */
    static void distinct2(String op, Object kind, String an, Tensor a, String bn, Tensor b) {
        if (a.storage() == b.storage()) {
            throw new IllegalArgumentException(op(op, kind) + ": " + an + " " + a.describe() + " and " + bn + " "
                    + b.describe() + " may not share a buffer");
        }
    }
}
