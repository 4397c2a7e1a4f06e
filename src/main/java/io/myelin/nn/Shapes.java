package io.myelin.nn;

import java.util.List;

/** Per-sample shapes: {@code [features]} or channels-first {@code [C, H, W]}. */
public final class Shapes {
    private Shapes() {
    }

    /** The product of the dimensions (the features of one row). */
    public static int product(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + describe(shape) + " has too many elements");
        }
        return (int) n;
    }

    /** "(None, 2, 20, 20)" as the summary prints it: the batch, then the sample's shape. */
    public static String describeBatch(int[] shape) {
        StringBuilder sb = new StringBuilder("(None");
        for (int d : shape) {
            sb.append(", ").append(d);
        }
        return sb.append(')').toString();
    }

    /** "(3, 20, 20)" or "(784,)". */
    public static String describe(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(')').toString();
    }

}
