package io.myelin.ops;

import io.myelin.autograd.Grads;
import io.myelin.autograd.Tape;
import io.myelin.backend.Activation;
import io.myelin.backend.Backend;
import io.myelin.tensor.Tensor;

/**
 * The differentiable op of a pointwise {@link Activation} (the SPI's enum): {@code y = f(x; p)} and its
 * derivative {@code dx = dy * f'(x)}, both run by the backend. x, y, dy, dx all share one shape. Layers reach
 * it through {@code io.myelin.nn.ActivationFunction}, which adds the row-wise softmax ({@link Softmax}).
 */
public final class ActivationOp {
    private ActivationOp() {
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
