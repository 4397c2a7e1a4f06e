package io.myelin.ops;

import io.myelin.autograd.Grads;
import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.tensor.Tensor;

/**
 * Inverted dropout: {@code y = x * mask}, mask from Philox keyed by (seed, stream, step), entries
 * {@code 1/keep} or 0; {@code dx = dy * mask}. Identity when {@code rate == 0}.
 */
public final class DropoutOp {
    private DropoutOp() {
    }

    public static Tensor forward(Tensor x, float rate, long seed, int stream, long step) {
        if (rate == 0f) {
            return x;
        }
        Backend be = x.backend();
        Tensor mask = x.emptyLike();
        be.dropoutMask(seed, stream, step, 1f - rate, mask);
        Tensor y = x.emptyLike();
        be.binary(BinaryOp.MUL, x, mask, y);
        if (Tape.recording(x)) {
            Tape.record(y, () -> Grads.add(x, dx -> be.binary(BinaryOp.MUL, y.grad(), mask, dx)));
        }
        return y;
    }
}
