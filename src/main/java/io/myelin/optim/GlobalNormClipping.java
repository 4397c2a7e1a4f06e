package io.myelin.optim;

import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;
import io.myelin.nn.Parameter;
import io.myelin.ops.Reductions;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Global-norm gradient clipping (Pascanu et al. 2013, "On the difficulty of training recurrent neural
 * networks"): every gradient is scaled in place by {@code min(1, clipNorm / ||g||)}, with ||g|| the L2 norm
 * of all gradients together. Computed on the backend from existing ops, so nothing is read back.
 */
final class GlobalNormClipping {
    private GlobalNormClipping() {
    }

    /**
     * The squared norms summed into one (1, 1) tensor, the scale {@code clamp(clipNorm/sqrt(s), 0, 1)} (a zero
     * norm gives 1/0 = inf, clamped to 1), broadcast to a row per gradient width and multiplied in.
     */
    static void scale(List<Parameter> params, float clipNorm) {
        try (Scope s = Scope.open()) {
            Tensor sumSq = null;
            for (Parameter p : params) {
                Tensor g = gradient(p);
                if (g == null) {
                    continue;
                }
                Backend be = g.backend();
                Tensor sq = g.emptyLike();
                be.unary(UnaryOp.SQUARE, 0, 0, g, sq);
                Tensor part = Reductions.sumAll(sq);
                if (sumSq == null) {
                    sumSq = part;
                } else {
                    be.binary(BinaryOp.ADD, sumSq, part, sumSq);
                }
            }
            if (sumSq == null) {
                return;
            }
            Backend be = sumSq.backend();
            Tensor scale = sumSq;
            be.unary(UnaryOp.SQRT, 0, 0, scale, scale);
            be.unary(UnaryOp.RECIPROCAL, 0, 0, scale, scale);
            be.unary(UnaryOp.AFFINE, clipNorm, 0f, scale, scale);
            be.unary(UnaryOp.CLAMP, 0f, 1f, scale, scale);
            Map<Integer, Tensor> rows = new HashMap<>();
            for (Parameter p : params) {
                Tensor g = gradient(p);
                if (g == null) {
                    continue;
                }
                Tensor row = rows.computeIfAbsent(g.cols(), cols -> {
                    Tensor r = Tensor.full(be, 1f, 1, cols);
                    be.binary(BinaryOp.MUL, r, scale, r);   // (1, cols) * (1, 1) as a column broadcast
                    return r;
                });
                be.binary(BinaryOp.MUL, g, row, g);
            }
        }
    }

    /** The gradient of this step of a trainable parameter, or null. */
    private static Tensor gradient(Parameter p) {
        Tensor g = p.value().grad();
        return p.isBuffer() || g == null || !p.value().hasGrad() ? null : g;
    }
}
