package io.myelin.loss;

import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;
import io.myelin.config.ConfigObject;
import io.myelin.tensor.Tensor;

import java.util.Map;

/**
 * Huber loss with threshold delta (default 1.0): {@code 0.5 d^2} for {@code |d| <= delta}, else
 * {@code delta*(|d| - 0.5 delta)}, with {@code d = p - y}; {@code dl/dp = clamp(d, -delta, delta)}.
 * Computed as {@code q*(|d| - q/2)} with {@code q = min(|d|, delta)}, which is both branches at once.
 */
public final class Huber extends DifferenceLoss {
    private final float delta;

    public Huber(float delta) {
        super("huber");
        if (!(delta > 0f) || Float.isInfinite(delta)) {
            throw new IllegalArgumentException("huber delta must be a positive number, got " + delta);
        }
        this.delta = delta;
    }

    /** Reads a spec's huber object: delta (1.0 when absent). */
    public static Huber fromConfig(ConfigObject c) {
        return new Huber(c.float32("delta", 1f));
    }

    public float delta() {
        return delta;
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("delta", delta);
    }

    @Override
    protected void value(Tensor d) {
        Backend be = d.backend();
        be.unary(UnaryOp.ABS, 0, 0, d, d);                         // a = |d|
        Tensor q = d.emptyLike();
        be.unary(UnaryOp.CLAMP, 0f, delta, d, q);                  // q = min(a, delta)
        Tensor halfQ = d.emptyLike();
        be.unary(UnaryOp.AFFINE, 0.5f, 0f, q, halfQ);
        be.binary(BinaryOp.SUB, d, halfQ, d);                      // a - q/2
        be.binary(BinaryOp.MUL, d, q, d);
        q.close();
        halfQ.close();
    }

    @Override
    protected void slope(Tensor d) {
        d.backend().unary(UnaryOp.CLAMP, -delta, delta, d, d);
    }
}
