package io.myelin.ops;

import io.myelin.autograd.Grads;
import io.myelin.autograd.Tape;
import io.myelin.backend.Activation;
import io.myelin.backend.Backend;
import io.myelin.tensor.Tensor;

/**
 * A pointwise activation {@code y = f(x; p)} and its derivative {@code dx = dy * f'(x)}.
 * x, y, dy, dx all share one shape.
 */
public final class Pointwise {
    private Pointwise() {
    }

    public static Tensor forward(Activation act, float p, Tensor x) {
        if (act == Activation.LINEAR) {
            return x;
        }
        Backend be = x.backend();
        Tensor y = x.emptyLike();
        be.activationForward(act, p, x, y);
        if (Tape.recording(x)) {
            Tape.record(y, () -> Grads.add(x, dx -> be.activationBackward(act, p, x, y, y.grad(), dx)));
        }
        return y;
    }
}
