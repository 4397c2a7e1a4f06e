package io.myelin.loss;

import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Tensor;

/**
 * A regression loss of the difference alone, {@code l = f(d)} with {@code d = p - y}, so
 * {@code dl/dp = f'(d)}: MSE and MAE ({@link #meanSquaredError()}, {@link #meanAbsoluteError()}) are one
 * primitive each way, {@link Huber} computes its own.
 * <pre>
 *   mse: f = d^2,  f' = 2d
 *   mae: f = |d|,  f' = sign(d) (0 at 0)
 * </pre>
 */
public abstract class DifferenceLoss extends ElementwiseLoss {

    protected DifferenceLoss(String name) {
        super(name, TargetKind.REGRESSION);
    }

    /** MSE: {@code l = (p - y)^2}, {@code dl/dp = 2(p - y)}. */
    public static DifferenceLoss meanSquaredError() {
        return new OnePrimitive("mse", UnaryOp.SQUARE, 0f, UnaryOp.AFFINE, 2f);
    }

    /** MAE: {@code l = |p - y|}, {@code dl/dp = sign(p - y)} (0 at 0). */
    public static DifferenceLoss meanAbsoluteError() {
        return new OnePrimitive("mae", UnaryOp.ABS, 0f, UnaryOp.SIGN, 0f);
    }

    /** d = f(d) in place. */
    protected abstract void value(Tensor d);

    /** d = f'(d) in place. */
    protected abstract void slope(Tensor d);

    @Override
    protected final void perElement(Tensor p, Tensor y, Tensor out) {
        p.backend().binary(BinaryOp.SUB, p, y, out);
        value(out);
    }

    @Override
    protected final void derivative(Tensor p, Tensor y, Tensor d) {
        p.backend().binary(BinaryOp.SUB, p, y, d);
        slope(d);
    }

    /** A loss whose f and f' are one unary primitive each, {@code op(d; a, 0)}. */
    private static final class OnePrimitive extends DifferenceLoss {
        private final UnaryOp f;
        private final float fa;
        private final UnaryOp df;
        private final float dfa;

        OnePrimitive(String name, UnaryOp f, float fa, UnaryOp df, float dfa) {
            super(name);
            this.f = f;
            this.fa = fa;
            this.df = df;
            this.dfa = dfa;
        }

        @Override
        protected void value(Tensor d) {
            d.backend().unary(f, fa, 0f, d, d);
        }

        @Override
        protected void slope(Tensor d) {
            d.backend().unary(df, dfa, 0f, d, d);
        }
    }
}
