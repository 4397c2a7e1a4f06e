package io.myelin.ops;

import io.myelin.backend.Backend;
import io.myelin.backend.ReduceOp;
import io.myelin.tensor.Tensor;

/** Whole-tensor reductions composed from the row/column primitives (not differentiable). */
public final class Reductions {
    private Reductions() {
    }

    /** x (rows, cols) → (1, 1) holding the sum of every element: a column sum of the row sums. */
    public static Tensor sumAll(Tensor x) {
        Backend be = x.backend();
        Tensor rows = Tensor.empty(be, x.rows(), 1);
        be.reduce(ReduceOp.SUM, 1, x, rows);
        Tensor total = Tensor.empty(be, 1, 1);
        be.reduce(ReduceOp.SUM, 0, rows, total);
        rows.close();
        return total;
    }
}
