package io.myelin.backend;

import static io.myelin.backend.OperandChecks.distinct;
import static io.myelin.backend.OperandChecks.fail;
import static io.myelin.backend.OperandChecks.shape;

/**
 * The argument checks of the convolution, pooling and layout ops of {@link Backend}, in the message format
 * of {@link Checks}: {@code "conv2dForward: w (8, 27) must be (8, 18)"}. The door of {@link Backend} calls
 * the one for its op first. Batches are {@code (n, C*H*W)}; a convolution's weight is {@code (filters, C*kh*kw)}.
 */
public final class ConvChecks {
    private ConvChecks() {
    }

    /** x (n, C*H*W), w (f, C*kh*kw), bias null or (1, f), y (n, f*OH*OW); y distinct from the inputs. */
    public static void conv2dForward(ConvGeometry g, Operand x, Operand w, Operand bias, Operand y) {
        String op = "conv2dForward";
        input(op, "x", g, x);
        shape(op, null, "w", w, w.rows(), g.patchSize());
        int f = w.rows();
        if (bias != null) {
            shape(op, null, "bias", bias, 1, f);
        }
        shape(op, null, "y", y, x.rows(), f * g.outputPlane());
        distinct(op, null, "x, w, bias, y", x, w, bias, y);
    }

    /**
     * x (n, C*H*W), w (f, C*kh*kw), dy (n, f*OH*OW); dx null or x's shape, dw null or w's shape, dbias null or
     * (1, f); outputs distinct from each other and the inputs.
     */
    public static void conv2dBackward(ConvGeometry g, Operand x, Operand w, Operand dy, Operand dx, Operand dw,
                                      Operand dbias) {
        String op = "conv2dBackward";
        input(op, "x", g, x);
        shape(op, null, "w", w, w.rows(), g.patchSize());
        int f = w.rows();
        shape(op, null, "dy", dy, x.rows(), f * g.outputPlane());
        if (dx != null) {
            shape(op, null, "dx", dx, x.rows(), x.cols());
        }
        if (dw != null) {
            shape(op, null, "dw", dw, w.rows(), w.cols());
        }
        if (dbias != null) {
            shape(op, null, "dbias", dbias, 1, f);
        }
        distinct(op, null, "x, w, dy, dx, dw, dbias", x, w, dy, dx, dw, dbias, null, null);
    }

    /** x (n, C*H*W), y (n, C*OH*OW), argmax null or y's shape; all distinct. */
    public static void pool2dForward(String op, ConvGeometry g, Operand x, Operand y, Operand argmax) {
        poolShapes(op, g, "x", x, "y", y, argmax);
        distinct(op, null, "x, y, argmax", x, y, argmax);
    }

    /** dy (n, C*OH*OW), argmax null or dy's shape, dx (n, C*H*W); all distinct. */
    public static void pool2dBackward(String op, ConvGeometry g, Operand dy, Operand argmax, Operand dx) {
        poolShapes(op, g, "dx", dx, "dy", dy, argmax);
        distinct(op, null, "dy, argmax, dx", dy, argmax, dx);
    }

    /** image (n, C*H*W), pooled (n, C*OH*OW), argmax null or pooled's shape: forward (x, y), backward (dx, dy). */
    private static void poolShapes(String op, ConvGeometry g, String imageName, Operand image, String pooledName,
                                   Operand pooled, Operand argmax) {
        input(op, imageName, g, image);
        shape(op, null, pooledName, pooled, image.rows(), g.channels() * g.outputPlane());
        if (argmax != null) {
            shape(op, null, "argmax", argmax, pooled.rows(), pooled.cols());
        }
    }

    /** As {@link #pool2dBackward}, with the argmax indices max pooling routes the gradient through required. */
    public static void maxPool2dBackward(ConvGeometry g, Operand dy, Operand argmax, Operand dx) {
        pool2dBackward("maxPool2dBackward", g, dy, argmax, dx);
        if (argmax == null) {
            throw new IllegalArgumentException("maxPool2dBackward: argmax must not be null");
        }
    }

    /** x holds whole (rows, cols) matrices, out has x's size and is distinct from x. */
    public static void batchTranspose(Operand x, int rows, int cols, Operand out) {
        String op = "batchTranspose";
        long plane = (long) rows * cols;
        if (rows <= 0 || cols <= 0 || x.size() % plane != 0) {
            throw fail(op, null, "x " + x.describe() + " must hold whole (" + rows + ", " + cols + ") matrices");
        }
        if (out.size() != x.size()) {
            throw fail(op, null, "x " + x.describe() + " and out " + out.describe()
                    + " must have the same number of elements");
        }
        distinct(op, null, "x, out", x, out, null);
    }

    private static void input(String op, String name, ConvGeometry g, Operand t) {
        if (t.cols() != g.inputSize()) {
            throw fail(op, null, name + " " + t.describe() + " must have " + g.inputSize() + " columns (C*H*W of "
                    + g.describe() + ")");
        }
    }
}
