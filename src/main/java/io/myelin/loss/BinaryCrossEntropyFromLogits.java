package io.myelin.loss;

import io.myelin.backend.Activation;
import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Tensor;

/**
 * Stable binary cross-entropy on logits z: {@code l = max(z, 0) - z*y + ln(1 + e^-|z|)},
 * {@code dl/dz = sigmoid(z) - y}.
 */
public final class BinaryCrossEntropyFromLogits extends ElementwiseLoss {
    public BinaryCrossEntropyFromLogits() {
        super("binary_crossentropy_from_logits", TargetKind.BINARY);
    }

    @Override
    protected void perElement(Tensor z, Tensor y, Tensor out) {
        Backend be = z.backend();
        Tensor t = z.emptyLike();
        be.unary(UnaryOp.ABS, 0, 0, z, t);
        be.unary(UnaryOp.AFFINE, -1f, 0f, t, t);
        be.unary(UnaryOp.EXP, 0, 0, t, t);
        be.unary(UnaryOp.AFFINE, 1f, 1f, t, t);
        be.unary(UnaryOp.LOG, 0, 0, t, t);                          // ln(1 + e^-|z|)
        be.activationForward(Activation.RELU, 0f, z, out);          // max(z, 0)
        be.binary(BinaryOp.ADD, out, t, out);
        be.binary(BinaryOp.MUL, z, y, t);
        be.binary(BinaryOp.SUB, out, t, out);
        t.close();
    }

    @Override
    protected void derivative(Tensor z, Tensor y, Tensor d) {
        z.backend().activationForward(Activation.SIGMOID, 0f, z, d);
        z.backend().binary(BinaryOp.SUB, d, y, d);
    }
}
