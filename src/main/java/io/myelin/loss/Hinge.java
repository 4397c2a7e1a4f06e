package io.myelin.loss;

import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Tensor;

/**
 * Hinge loss {@code max(0, margin - y*f)} with labels in {-1, +1}; margin 1 is the linear-SVM hinge, margin 0
 * the perceptron criterion {@code max(0, -y*f)}. {@code dl/df = -y} where the hinge is active, else 0.
 */
public final class Hinge extends ElementwiseLoss {
    private final float margin;

    private Hinge(float margin, String name) {
        super(name, TargetKind.SIGNED);
        this.margin = margin;
    }

    /** The SVM hinge {@code max(0, 1 - y f)}. */
    public static Hinge hinge() {
        return new Hinge(1f, "hinge");
    }

    /** The perceptron criterion {@code max(0, -y f)}. */
    public static Hinge perceptron() {
        return new Hinge(0f, "perceptron");
    }

    /** out = margin - f*y, what both directions start from. */
    private void gap(Tensor f, Tensor y, Tensor out) {
        Backend be = f.backend();
        be.binary(BinaryOp.MUL, f, y, out);
        be.unary(UnaryOp.AFFINE, -1f, margin, out, out);
    }

    @Override
    protected void perElement(Tensor f, Tensor y, Tensor out) {
        gap(f, y, out);
        f.backend().unary(UnaryOp.CLAMP, 0f, Float.POSITIVE_INFINITY, out, out);
    }

    @Override
    protected void derivative(Tensor f, Tensor y, Tensor d) {
        Backend be = f.backend();
        gap(f, y, d);
        be.unary(UnaryOp.GREATER_THAN, 0f, 0f, d, d);               // active
        be.binary(BinaryOp.MUL, d, y, d);
        be.unary(UnaryOp.AFFINE, -1f, 0f, d, d);
    }
}
