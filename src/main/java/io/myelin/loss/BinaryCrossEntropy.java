package io.myelin.loss;

import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Tensor;

/**
 * Binary cross-entropy on probabilities, clipped to {@code [eps, 1-eps]} (eps = 1e-7):
 * {@code l = -(y ln p + (1-y) ln(1-p))}, {@code dl/dp = (p - y) / (p (1-p))} inside the clip range and 0
 * where clipping is active (the clip's own derivative). For logits use {@link BinaryCrossEntropyFromLogits}.
 */
public final class BinaryCrossEntropy extends ElementwiseLoss {
    public static final float EPS = 1e-7f;

    public BinaryCrossEntropy() {
        super("binary_crossentropy", TargetKind.BINARY);
    }

    /** p clipped to {@code [eps, 1-eps]}, a new tensor. */
    private static Tensor clipped(Tensor p) {
        Tensor pc = p.emptyLike();
        p.backend().unary(UnaryOp.CLAMP, EPS, 1f - EPS, p, pc);
        return pc;
    }

    @Override
    protected void perElement(Tensor p, Tensor y, Tensor out) {
        Backend be = p.backend();
        Tensor pc = clipped(p);
        Tensor logP = p.emptyLike();
        be.unary(UnaryOp.LOG, 0, 0, pc, logP);
        be.unary(UnaryOp.AFFINE, -1f, 1f, pc, pc);                 // 1 - p
        be.unary(UnaryOp.LOG, 0, 0, pc, pc);                       // ln(1-p)
        Tensor oneMinusY = p.emptyLike();
        be.unary(UnaryOp.AFFINE, -1f, 1f, y, oneMinusY);
        be.binary(BinaryOp.MUL, pc, oneMinusY, pc);
        be.binary(BinaryOp.MUL, logP, y, out);
        be.binary(BinaryOp.ADD, out, pc, out);
        be.unary(UnaryOp.AFFINE, -1f, 0f, out, out);
        pc.close();
        logP.close();
        oneMinusY.close();
    }

    @Override
    protected void derivative(Tensor p, Tensor y, Tensor d) {
        Backend be = p.backend();
        Tensor pc = clipped(p);
        Tensor denom = p.emptyLike();
        be.unary(UnaryOp.AFFINE, -1f, 1f, pc, denom);              // 1 - p
        be.binary(BinaryOp.MUL, denom, pc, denom);                 // p (1 - p)
        be.binary(BinaryOp.SUB, pc, y, d);
        be.binary(BinaryOp.DIV, d, denom, d);
        // zero where the clip is active: p == clamp(p) only inside the range
        be.binary(BinaryOp.SUB, p, pc, denom);
        be.unary(UnaryOp.ABS, 0, 0, denom, denom);
        be.unary(UnaryOp.GREATER_THAN, 0f, 0f, denom, denom);      // 1 where clipped
        be.unary(UnaryOp.AFFINE, -1f, 1f, denom, denom);           // 1 where inside
        be.binary(BinaryOp.MUL, d, denom, d);
        pc.close();
        denom.close();
    }
}
