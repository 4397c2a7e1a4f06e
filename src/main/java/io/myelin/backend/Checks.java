package io.myelin.backend;

import io.myelin.tensor.Tensor;

/**
 * Argument checks shared by backends, so every backend rejects the same mistakes with the same words:
 * the op, the argument names and their shapes.
 *
 * <pre>{@code
 * Checks.shape("batchNormTrain", "gamma", gamma, 1, x.cols());  // "batchNormTrain: gamma is (1, 5), expected (1, 4)"
 * }</pre>
 */
public final class Checks {

    /** How the second operand of a binary op lines up with the first (see {@link BinaryOp}). */
    public enum Broadcast {
        /** Same shape. */
        FULL,
        /** A row vector (1, cols) repeated over every row. */
        ROW,
        /** A column vector (rows, 1) repeated over every column. */
        COLUMN
    }

    private Checks() {
    }

    /** t must be (rows, cols). */
    public static void shape(String op, String name, Tensor t, int rows, int cols) {
        if (t.rows() != rows || t.cols() != cols) {
            throw new IllegalArgumentException(op + ": " + name + " is " + t.describe() + ", expected ("
                    + rows + ", " + cols + ")");
        }
    }

    /** a and b must have the same (rows, cols). */
    public static void sameShape(String op, String aName, Tensor a, String bName, Tensor b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(op + ": " + aName + " " + a.describe() + " and " + bName + " "
                    + b.describe() + " must have the same shape");
        }
    }

    /** a and b must hold the same number of elements. */
    public static void sameSize(String op, String aName, Tensor a, String bName, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(op + ": " + aName + " " + a.describe() + " has " + a.size()
                    + " elements but " + bName + " " + b.describe() + " has " + b.size());
        }
    }

    /** out must not share its buffer with in (for ops that read in after writing out). */
    public static void noAlias(String op, String outName, Tensor out, String inName, Tensor in) {
        if (out.storage() == in.storage()) {
            throw new IllegalArgumentException(op + ": " + outName + " must not alias " + inName);
        }
    }

    /** out must not alias any of the named inputs, given as alternating name, tensor pairs. */
    public static void noAlias(String op, String outName, Tensor out, Object... namesAndInputs) {
        for (int i = 0; i + 1 < namesAndInputs.length; i += 2) {
            noAlias(op, outName, out, (String) namesAndInputs[i], (Tensor) namesAndInputs[i + 1]);
        }
    }

    /** The broadcast of y against x for a binary op, or an exception naming both shapes. */
    public static Broadcast broadcast(String op, Tensor x, Tensor y) {
        if (y.sameShape(x)) {
            return Broadcast.FULL;
        }
        if (y.rows() == 1 && y.cols() == x.cols()) {
            return Broadcast.ROW;
        }
        if (y.cols() == 1 && y.rows() == x.rows()) {
            return Broadcast.COLUMN;
        }
        throw new IllegalArgumentException(op + ": y " + y.describe() + " must be " + x.describe() + ", (1, "
                + x.cols() + ") or (" + x.rows() + ", 1) to combine with x " + x.describe());
    }

    /** Reduction output shape: axis 0 gives (1, cols), axis 1 gives (rows, 1). */
    public static void reduction(String op, int axis, Tensor x, Tensor out) {
        switch (axis) {
            case 0 -> shape(op, "out", out, 1, x.cols());
            case 1 -> shape(op, "out", out, x.rows(), 1);
            default -> throw new IllegalArgumentException(op + ": axis must be 0 (rows) or 1 (columns), got "
                    + axis);
        }
        noAlias(op, "out", out, "x", x);
    }

    /**
     * Labels for softmax cross-entropy against logits (n, k): true for sparse class indices (n, 1), false
     * for one-hot / soft labels (n, k); a same-shape (n, 1) tensor counts as one-hot when k == 1.
     */
    public static boolean sparseLabels(String op, Tensor logits, Tensor labels) {
        if (labels.sameShape(logits)) {
            return false;
        }
        if (labels.rows() == logits.rows() && labels.cols() == 1) {
            return true;
        }
        throw new IllegalArgumentException(op + ": labels " + labels.describe() + " must be one-hot "
                + logits.describe() + " or class indices (" + logits.rows() + ", 1)");
    }
}
