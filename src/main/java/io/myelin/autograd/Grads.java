package io.myelin.autograd;

import io.myelin.backend.BinaryOp;
import io.myelin.tensor.Tensor;

import java.util.function.Consumer;

/**
 * Writing gradients with the "assign the first time, accumulate after" rule, so activation gradients
 * cost one write and parameter gradients accumulate across uses until {@link Tensor#zeroGrad()}.
 */
public final class Grads {
    private Grads() {
    }

    /**
     * Writes a gradient contribution to {@code t}: {@code compute} fills the tensor it is given with the
     * contribution. First write goes straight into the gradient buffer; later ones go to a temporary that
     * is added in.
     */
    public static void add(Tensor t, Consumer<Tensor> compute) {
        if (!t.requiresGrad()) {
            return;
        }
        Tensor g = t.gradBuffer();
        if (!t.hasGrad()) {
            compute.accept(g);
            t.markGradValid();
        } else {
            Tensor tmp = g.emptyLike();
            compute.accept(tmp);
            t.backend().binary(BinaryOp.ADD, g, tmp, g);
            tmp.close();
        }
    }

    /** The beta for a GEMM that writes a gradient: 0 on the first write, 1 when accumulating. */
    public static float gemmBeta(Tensor t) {
        return t.hasGrad() ? 1f : 0f;
    }
}
