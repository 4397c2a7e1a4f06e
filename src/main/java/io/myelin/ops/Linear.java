package io.myelin.ops;

import io.myelin.autograd.Grads;
import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.ReduceOp;
import io.myelin.tensor.Tensor;

/**
 * Affine map {@code y = x·W + b}, forward and backward side by side.
 * <pre>
 *   x: (batch, in)   W: (in, out)   b: (1, out) or null   -> y: (batch, out)
 *   dx  = dy · W^T          (assigned or accumulated)
 *   dW (+)= x^T · dy        (GEMM with beta = 1 when accumulating)
 *   db (+)= sum_rows(dy)
 * </pre>
 */
public final class Linear {
    private Linear() {
    }

    public static Tensor forward(Tensor x, Tensor w, Tensor b) {
        if (x.cols() != w.rows()) {
            throw new IllegalArgumentException("linear: input has " + x.cols() + " features but weight "
                    + w.describe() + " expects " + w.rows());
        }
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, x.rows(), w.cols());
        be.gemm(false, false, 1f, x, w, 0f, y);
        if (b != null) {
            be.binary(BinaryOp.ADD, y, b, y);
        }
        if (Tape.recording(x, w, b)) {
            Tape.record(y, () -> backward(x, w, b, y.grad()));
        }
        return y;
    }

    private static void backward(Tensor x, Tensor w, Tensor b, Tensor dy) {
        Backend be = x.backend();
        if (w.requiresGrad()) {
            Tensor dw = w.gradBuffer();
            be.gemm(true, false, 1f, x, dy, Grads.gemmBeta(w), dw);
            w.markGradValid();
        }
        if (b != null && b.requiresGrad()) {
            Grads.add(b, db -> be.reduce(ReduceOp.SUM, 0, dy, db));
        }
        if (x.requiresGrad()) {
            Tensor dx = x.gradBuffer();
            be.gemm(false, true, 1f, dy, w, Grads.gemmBeta(x), dx);
            x.markGradValid();
        }
    }
}
