package io.myelin.ops;

import io.myelin.autograd.Grads;
import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.backend.ConvGeometry;
import io.myelin.tensor.Tensor;

/**
 * Max and average pooling over channels-first images, forward and backward.
 * <pre>
 *   x: (n, C*H*W) -> y: (n, C*OH*OW)
 *   max: the argmax of each window is kept for backward (only when recording); dx = dy routed to it
 *   average: dx = dy / count spread over each window's in-image positions
 * </pre>
 */
public final class Pool2dOp {
    private Pool2dOp() {
    }

    public static Tensor max(ConvGeometry g, Tensor x) {
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, x.rows(), g.channels() * g.outputPlane());
        boolean recording = Tape.recording(x);
        Tensor argmax = recording ? y.emptyLike() : null;
        be.maxPool2dForward(g, x, y, argmax);
        if (recording) {
            Tape.record(y, () -> Grads.add(x, dx -> be.maxPool2dBackward(g, y.grad(), argmax, dx)));
        }
        return y;
    }

    public static Tensor average(ConvGeometry g, Tensor x) {
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, x.rows(), g.channels() * g.outputPlane());
        be.avgPool2dForward(g, x, y);
        if (Tape.recording(x)) {
            Tape.record(y, () -> Grads.add(x, dx -> be.avgPool2dBackward(g, y.grad(), dx)));
        }
        return y;
    }
}
