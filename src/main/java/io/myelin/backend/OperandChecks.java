package io.myelin.backend;

/**
 * The generic argument rules behind {@link Checks} and the door of {@link Backend} (shapes, distinct
 * buffers, ownership), and the one message format:
 * {@code "<op>[ <kind>]: <arguments with their shapes> must <rule>"}, e.g.
 * {@code "reduce SUM: x (7, 1) and out (7, 1) must not share a buffer"}. {@code kind} is the op's enum
 * constant (UnaryOp, Activation, ...) or null.
 *
 * <p>A passing check allocates nothing (the CPU backend runs them on every op of the training loop): no
 * varargs arrays, no string building, no lambdas; messages are built only when a check fails.
 */
final class OperandChecks {
    private OperandChecks() {
    }

    /** The exception for a failed check: {@code "op kind: text"}. */
    static IllegalArgumentException fail(String op, Object kind, String text) {
        return new IllegalArgumentException((kind == null ? op : op + " " + kind) + ": " + text);
    }

    static String dims(int rows, int cols) {
        return "(" + rows + ", " + cols + ")";
    }

    /** Whether a and b have the same (rows, cols). */
    static boolean sameDims(Operand a, Operand b) {
        return a.rows() == b.rows() && a.cols() == b.cols();
    }

    /** t must be (rows, cols). */
    static void shape(String op, Object kind, String name, Operand t, int rows, int cols) {
        if (t.rows() != rows || t.cols() != cols) {
            throw fail(op, kind, name + " " + t.describe() + " must be " + dims(rows, cols));
        }
    }

    /** a and b must have the same (rows, cols). */
    static void sameShape(String op, Object kind, String an, Operand a, String bn, Operand b) {
        if (!sameDims(a, b)) {
            throw fail(op, kind, an + " " + a.describe() + " and " + bn + " " + b.describe()
                    + " must have the same shape");
        }
    }

    /** a and b must hold the same number of elements. */
    static void sameSize(String op, Object kind, String an, Operand a, String bn, Operand b) {
        if (a.size() != b.size()) {
            throw fail(op, kind, an + " " + a.describe() + " and " + bn + " " + b.describe()
                    + " must have the same number of elements");
        }
    }

    /** a and b must not share a buffer. */
    static void distinct(String op, Object kind, String an, Operand a, String bn, Operand b) {
        if (a.storage() == b.storage()) {
            throw aliased(op, kind, an, a, bn, b);
        }
    }

    /** The three-tensor form of the eight-tensor {@code distinct}. */
    static void distinct(String op, Object kind, String names, Operand t0, Operand t1, Operand t2) {
        distinct(op, kind, names, t0, t1, t2, null, null, null, null, null);
    }

    /** The four-tensor form of the eight-tensor {@code distinct}. */
    static void distinct(String op, Object kind, String names, Operand t0, Operand t1, Operand t2, Operand t3) {
        distinct(op, kind, names, t0, t1, t2, t3, null, null, null, null);
    }

    /** The five-tensor form of the eight-tensor {@code distinct}. */
    static void distinct(String op, Object kind, String names, Operand t0, Operand t1, Operand t2, Operand t3,
                         Operand t4) {
        distinct(op, kind, names, t0, t1, t2, t3, t4, null, null, null);
    }

    /**
     * No two of the tensors may share a buffer; {@code names} lists them comma-separated in order. Null
     * tensors (unused optional arguments, or the padding of the shorter forms) are skipped. Fixed arity
     * rather than varargs, so a passing call allocates no array.
     */
    static void distinct(String op, Object kind, String names, Operand t0, Operand t1, Operand t2, Operand t3,
                         Operand t4, Operand t5, Operand t6, Operand t7) {
        for (int i = 0; i < 8; i++) {
            Operand a = nth(i, t0, t1, t2, t3, t4, t5, t6, t7);
            for (int j = i + 1; a != null && j < 8; j++) {
                Operand b = nth(j, t0, t1, t2, t3, t4, t5, t6, t7);
                if (b != null && a.storage() == b.storage()) {
                    String[] n = names.split(",");
                    throw aliased(op, kind, n[i].trim(), a, n[j].trim(), b);
                }
            }
        }
    }

    /** One operand must live on {@code backend} (null: an optional argument left out, skipped). */
    static void owned(Backend backend, String op, Object kind, String name, Operand t0) {
        if (t0 != null && !backend.owns(t0.storage())) {
            throw foreign(backend, op, kind, name, t0);
        }
    }

    /** The two-operand form of the eight-operand {@code owned}. */
    static void owned(Backend backend, String op, Object kind, String names, Operand t0, Operand t1) {
        owned(backend, op, kind, names, t0, t1, null, null, null, null, null, null);
    }

    /** The three-operand form of the eight-operand {@code owned}. */
    static void owned(Backend backend, String op, Object kind, String names, Operand t0, Operand t1, Operand t2) {
        owned(backend, op, kind, names, t0, t1, t2, null, null, null, null, null);
    }

    /** The four-operand form of the eight-operand {@code owned}. */
    static void owned(Backend backend, String op, Object kind, String names, Operand t0, Operand t1, Operand t2,
                      Operand t3) {
        owned(backend, op, kind, names, t0, t1, t2, t3, null, null, null, null);
    }

    /** The five-operand form of the eight-operand {@code owned}. */
    static void owned(Backend backend, String op, Object kind, String names, Operand t0, Operand t1, Operand t2,
                      Operand t3, Operand t4) {
        owned(backend, op, kind, names, t0, t1, t2, t3, t4, null, null, null);
    }

    /**
     * Every operand must live on {@code backend} ({@code Backend.owns} its storage); {@code names} lists them
     * comma-separated in order, null operands are skipped. The message names the op, the argument and both
     * backends: {@code "gemm: b (3, 4) belongs to backend cpu, not to this cuda backend"}.
     */
    static void owned(Backend backend, String op, Object kind, String names, Operand t0, Operand t1, Operand t2,
                      Operand t3, Operand t4, Operand t5, Operand t6, Operand t7) {
        for (int i = 0; i < 8; i++) {
            Operand t = nth(i, t0, t1, t2, t3, t4, t5, t6, t7);
            if (t != null && !backend.owns(t.storage())) {
                throw foreign(backend, op, kind, names.split(",")[i].trim(), t);
            }
        }
    }

    private static IllegalArgumentException foreign(Backend backend, String op, Object kind, String name, Operand t) {
        return fail(op, kind, name + " " + t.describe() + " belongs to backend " + t.backend().name()
                + ", not to this " + backend.name() + " backend");
    }

    private static Operand nth(int i, Operand t0, Operand t1, Operand t2, Operand t3, Operand t4, Operand t5,
                               Operand t6, Operand t7) {
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

    private static IllegalArgumentException aliased(String op, Object kind, String an, Operand a, String bn,
                                                    Operand b) {
        return fail(op, kind, an + " " + a.describe() + " and " + bn + " " + b.describe() + " must not share a buffer");
    }
}
