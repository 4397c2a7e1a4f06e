package io.myelin.loss;

import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Tensor;

/** MSE: {@code l = (p - y)^2}, {@code dl/dp = 2(p - y)}. */
public final class MeanSquaredError extends ElementwiseLoss {
    @Override
    public String name() {
        return "mse";
    }

    @Override
    public TargetKind targetKind() {
        return TargetKind.REGRESSION;
    }

    @Override
    protected void perElement(Tensor p, Tensor y, Tensor out) {
        p.backend().binary(BinaryOp.SUB, p, y, out);
        p.backend().unary(UnaryOp.SQUARE, 0, 0, out, out);
    }

    @Override
    protected void derivative(Tensor p, Tensor y, Tensor d) {
        p.backend().binary(BinaryOp.SUB, p, y, d);
        p.backend().unary(UnaryOp.AFFINE, 2f, 0f, d, d);
    }
}
