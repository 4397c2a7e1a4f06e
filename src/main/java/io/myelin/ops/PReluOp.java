package io.myelin.ops;

import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.tensor.Tensor;

/**
 * Parametric ReLU with one trainable slope per feature.
 * <pre>
 *   x, y: (n, c)   alpha: (1, c)
 *   y = x > 0 ? x : alpha_j * x;  dx = dy * (x > 0 ? 1 : alpha_j);  dalpha_j (+)= sum_i dy * x * (x &lt;= 0)
 * </pre>
 */
public final class PReluOp {
    private PReluOp() {
    }

    public static Tensor forward(Tensor x, Tensor alpha) {
        Backend be = x.backend();
        Tensor y = x.emptyLike();
        be.preluForward(x, alpha, y);
        if (Tape.recording(x, alpha)) {
            Tape.record(y, () -> {
                Tensor dy = y.grad();
                boolean needDx = x.requiresGrad();
                Tensor dx = needDx && !x.hasGrad() ? x.gradBuffer() : x.emptyLike();
                Tensor dalpha = alpha.requiresGrad() ? alpha.gradBuffer() : alpha.emptyLike();
                be.preluBackward(x, alpha, dy, dx, dalpha, alpha.hasGrad());
                if (alpha.requiresGrad()) {
                    alpha.markGradValid();
                }
                if (needDx) {
                    if (x.hasGrad()) {
                        be.binary(io.myelin.backend.BinaryOp.ADD, x.grad(), dx, x.grad());
                    }
                    x.markGradValid();
                }
            });
        }
        return y;
    }
}
