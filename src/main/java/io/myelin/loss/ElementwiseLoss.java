package io.myelin.loss;

import io.myelin.autograd.Grads;
import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.ops.Reductions;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Tensor;

/**
 * A loss that is the mean over every element of a per-element loss {@code l(p, y)}, built from backend
 * primitives. Subclasses give the per-element value and derivative; this class holds the name and target
 * kind, reduces and records.
 * <pre>
 *   pred, target: (n, k)   loss = (1/(n*k)) * sum l(p, y)   dpred = l'(p, y) / (n*k)
 * </pre>
 */
public abstract class ElementwiseLoss implements Loss {
    private final String name;
    private final TargetKind targetKind;

    /** @param name the spec name, e.g. {@code "mse"} */
    protected ElementwiseLoss(String name, TargetKind targetKind) {
        this.name = name;
        this.targetKind = targetKind;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final TargetKind targetKind() {
        return targetKind;
    }

    /** out = l(pred, target) elementwise. */
    protected abstract void perElement(Tensor pred, Tensor target, Tensor out);

    /** dpred = dl/dp elementwise (unscaled by the mean). */
    protected abstract void derivative(Tensor pred, Tensor target, Tensor dpred);

    /** How many elements the mean divides by (Keras / PyTorch 'mean': every element). */
    protected float divisor(Tensor pred) {
        return pred.size();
    }

    @Override
    public final Tensor compute(Tensor pred, Tensor target) {
        if (!pred.sameShape(target)) {
            throw new IllegalArgumentException(name() + " loss: predictions " + pred.describe()
                    + " and targets " + target.describe() + " differ in shape");
        }
        Backend be = pred.backend();
        Tensor elems = pred.emptyLike();
        perElement(pred, target, elems);
        Tensor loss = LossReductions.meanToScalar(elems, divisor(pred));
        elems.close();
        if (Tape.recording(pred)) {
            float scale = 1f / divisor(pred);
            Tape.record(loss, () -> Grads.add(pred, dp -> {
                derivative(pred, target, dp);
                be.unary(UnaryOp.AFFINE, scale, 0f, dp, dp);
            }));
        }
        return loss;
    }

    /** Helpers shared by the reductions. */
    static final class LossReductions {
        private LossReductions() {
        }

        /** (n, k) → (1, 1) holding sum/divisor. */
        static Tensor meanToScalar(Tensor elems, float divisor) {
            Tensor total = Reductions.sumAll(elems);
            elems.backend().unary(UnaryOp.AFFINE, 1f / divisor, 0f, total, total);
            return total;
        }
    }
}
