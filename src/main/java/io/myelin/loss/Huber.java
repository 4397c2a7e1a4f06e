package io.myelin.loss;

import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Tensor;

import java.util.Map;

/**
 * Huber loss with threshold delta (default 1.0): {@code 0.5 d^2} for {@code |d| <= delta}, else
 * {@code delta*(|d| - 0.5 delta)}, with {@code d = p - y}; {@code dl/dp = clamp(d, -delta, delta)}.
 * Computed as {@code q*(|d| - q/2)} with {@code q = min(|d|, delta)}, which is both branches at once.
 */
public final class Huber extends ElementwiseLoss {
    private final float delta;

    public Huber(float delta) {
        if (!(delta > 0f) || Float.isInfinite(delta)) {
            throw new IllegalArgumentException("huber delta must be a positive number, got " + delta);
        }
        this.delta = delta;
    }

    public float delta() {
        return delta;
    }

    @Override
    public String name() {
        return "huber";
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("delta", delta);
    }

    @Override
    public TargetKind targetKind() {
        return TargetKind.REGRESSION;
    }

    @Override
    protected void perElement(Tensor p, Tensor y, Tensor out) {
        Backend be = p.backend();
        be.binary(BinaryOp.SUB, p, y, out);
        be.unary(UnaryOp.ABS, 0, 0, out, out);                     // a = |d|
        Tensor q = out.emptyLike();
        be.unary(UnaryOp.CLAMP, 0f, delta, out, q);                // q = min(a, delta)
        Tensor halfQ = out.emptyLike();
        be.unary(UnaryOp.AFFINE, 0.5f, 0f, q, halfQ);
        be.binary(BinaryOp.SUB, out, halfQ, out);                  // a - q/2
        be.binary(BinaryOp.MUL, out, q, out);
        q.close();
        halfQ.close();
    }

    @Override
    protected void derivative(Tensor p, Tensor y, Tensor d) {
        p.backend().binary(BinaryOp.SUB, p, y, d);
        p.backend().unary(UnaryOp.CLAMP, -delta, delta, d, d);
    }
}
