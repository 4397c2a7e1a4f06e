package io.myelin.ops;

import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.ConvGeometry;
import io.myelin.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as PyTorch), forward and backward side by side.
 * <pre>
 *   x: (n, C*H*W)   w: (f, C*kh*kw)   b: (1, f) or null   -> y: (n, f*OH*OW)
 *   dx  = conv2dBackward's input gradient (assigned, or added when x already holds a gradient)
 *   dw (+)= sum over samples and positions of dy x patch;  db (+)= sum of dy per filter
 * </pre>
 */
public final class Conv2dOp {
    private Conv2dOp() {
    }

    public static Tensor forward(ConvGeometry g, Tensor x, Tensor w, Tensor b) {
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, x.rows(), w.rows() * g.outputPlane());
        be.conv2dForward(g, x, w, b, y);
        if (Tape.recording(x, w, b)) {
            Tape.record(y, () -> backward(g, x, w, b, y.grad()));
        }
        return y;
    }

    private static void backward(ConvGeometry g, Tensor x, Tensor w, Tensor b, Tensor dy) {
        Backend be = x.backend();
        boolean wantW = w.requiresGrad();
        boolean wantB = b != null && b.requiresGrad();
        // w and b belong to one layer and are written together, so they agree on accumulate.
        boolean accumulate = wantW ? w.hasGrad() : wantB && b.hasGrad();
        Tensor dw = wantW ? w.gradBuffer() : null;
        Tensor db = wantB ? b.gradBuffer() : null;
        Tensor dx = null;
        boolean xAccumulates = false;
        if (x.requiresGrad()) {
            xAccumulates = x.hasGrad();
            dx = xAccumulates ? x.emptyLike() : x.gradBuffer();
        }
        if (dw == null && db == null && dx == null) {
            return;
        }
        be.conv2dBackward(g, x, w, dy, dx, dw, db, accumulate);
        if (wantW) {
            w.markGradValid();
        }
        if (wantB) {
            b.markGradValid();
        }
        if (dx != null) {
            if (xAccumulates) {
                be.binary(BinaryOp.ADD, x.grad(), dx, x.grad());
            }
            x.markGradValid();
        }
    }
}
