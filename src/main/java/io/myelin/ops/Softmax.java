package io.myelin.ops;

import io.myelin.autograd.Grads;
import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.ReduceOp;
import io.myelin.tensor.Tensor;

/**
 * Row-wise softmax as a standalone op (used when softmax is not followed by cross-entropy, whose fused
 * form is in {@link io.myelin.loss.CrossEntropy}).
 * <pre>
 *   x, y: (n, k)    dx = y * (dy - rowsum(dy * y))
 * </pre>
 */
public final class Softmax {
    private Softmax() {
    }

    public static Tensor forward(Tensor x) {
        Backend be = x.backend();
        Tensor y = x.emptyLike();
        be.softmax(x, y);
        if (Tape.recording(x)) {
            Tape.record(y, () -> Grads.add(x, dx -> {
                Tensor dy = y.grad();
                Tensor prod = y.emptyLike();
                be.binary(BinaryOp.MUL, dy, y, prod);
                Tensor rowSum = Tensor.empty(be, y.rows(), 1);
                be.reduce(ReduceOp.SUM, 1, prod, rowSum);
                be.binary(BinaryOp.SUB, dy, rowSum, dx);
                be.binary(BinaryOp.MUL, dx, y, dx);
                prod.close();
                rowSum.close();
            }));
        }
        return y;
    }
}
