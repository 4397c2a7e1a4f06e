package io.myelin.loss;

import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Tensor;

/** MAE: {@code l = |p - y|}, {@code dl/dp = sign(p - y)} (0 at 0). */
public final class MeanAbsoluteError extends ElementwiseLoss {
    @Override
    public String name() {
        return "mae";
    }

    @Override
    public TargetKind targetKind() {
        return TargetKind.REGRESSION;
    }

    @Override
    protected void perElement(Tensor p, Tensor y, Tensor out) {
        p.backend().binary(BinaryOp.SUB, p, y, out);
        p.backend().unary(UnaryOp.ABS, 0, 0, out, out);
    }

    @Override
    protected void derivative(Tensor p, Tensor y, Tensor d) {
        p.backend().binary(BinaryOp.SUB, p, y, d);
        p.backend().unary(UnaryOp.SIGN, 0, 0, d, d);
    }
}
