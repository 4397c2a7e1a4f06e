package io.myelin.backend;

import static io.myelin.backend.OperandChecks.dims;
import static io.myelin.backend.OperandChecks.distinct;
import static io.myelin.backend.OperandChecks.fail;
import static io.myelin.backend.OperandChecks.sameDims;
import static io.myelin.backend.OperandChecks.sameShape;
import static io.myelin.backend.OperandChecks.sameSize;
import static io.myelin.backend.OperandChecks.shape;

/**
 * The argument checks of every {@link Backend} op, one method per op in SPI order: the op's public method
 * (the door) runs the one for its op first, so all backends reject the same mistakes with the same words.
 * Messages read {@code "<op>[ <kind>]: <arguments with their shapes> must <rule>"} (see {@link OperandChecks}).
 *
 * <p>After these the door tests that every argument lives on the backend ({@code Backend.owns}); what is
 * left to a backend is checking values (the CPU backend scans sparse labels and gather indices; CUDA cannot
 * without a host sync).
 *
 * <p>A passing check allocates nothing, so the door can run them on every op of the training loop.
 *
 * <pre>{@code
 * Checks.preluForward(x, alpha, y);  // "preluForward: alpha (1, 5) must be (1, 4)"
 * }</pre>
 */
public final class Checks {

    /** How the second operand of a binary op lines up with the first (see {@link BinaryOp}). */
    public enum Broadcast {
        /** Same shape. */
        FULL,
        /** A row vector (1, cols) repeated over every row. */
        ROW,
        /** A column vector (rows, 1) repeated over every column. */
        COLUMN
    }

    private Checks() {
    }

    // ---------------------------------------------------------------- memory

    /** src must have dst's element count. */
    public static void upload(float[] src, Operand dst) {
        if (src.length != dst.size()) {
            throw fail("upload", null, "src float[" + src.length + "] and dst " + dst.describe()
                    + " must have the same number of elements");
        }
    }

    /** dst must have src's element count. */
    public static void download(Operand src, float[] dst) {
        if (dst.length != src.size()) {
            throw fail("download", null, "src " + src.describe() + " and dst float[" + dst.length
                    + "] must have the same number of elements");
        }
    }

    // ---------------------------------------------------------------- dense algebra

    /** a: (m, k) or (k, m) if transA; b: (k, n) or (n, k) if transB; c: (m, n) sharing no buffer with a or b. */
    public static void gemm(boolean transA, boolean transB, Operand a, Operand b, Operand c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb) {
            throw fail("gemm", null, "op(a) " + dims(m, k) + " from a " + a.describe() + (transA ? " transposed" : "")
                    + " and op(b) " + dims(kb, n) + " from b " + b.describe() + (transB ? " transposed" : "")
                    + " must have the same inner dimension");
        }
        shape("gemm", null, "c", c, m, n);
        distinct("gemm", null, "a", a, "c", c);
        distinct("gemm", null, "b", b, "c", c);
    }

    /** out has x's element count (and may alias x). */
    public static void unary(UnaryOp op, Operand x, Operand out) {
        sameSize("unary", op, "x", x, "out", out);
    }

    /** out has x's shape (and may alias x); returns how y broadcasts: x's shape, (1, cols) or (rows, 1). */
    public static Broadcast binary(BinaryOp op, Operand x, Operand y, Operand out) {
        sameShape("binary", op, "x", x, "out", out);
        if (sameDims(y, x)) {
            return Broadcast.FULL;
        }
        if (y.rows() == 1 && y.cols() == x.cols()) {
            return Broadcast.ROW;
        }
        if (y.cols() == 1 && y.rows() == x.rows()) {
            return Broadcast.COLUMN;
        }
        throw fail("binary", op, "y " + y.describe() + " must be " + x.describe() + ", " + dims(1, x.cols()) + " or "
                + dims(x.rows(), 1) + " to combine with x " + x.describe());
    }

    /** axis 0 gives out (1, cols), axis 1 gives out (rows, 1); out must not share x's buffer. */
    public static void reduce(ReduceOp op, int axis, Operand x, Operand out) {
        switch (axis) {
            case 0 -> shape("reduce", op, "out", out, 1, x.cols());
            case 1 -> shape("reduce", op, "out", out, x.rows(), 1);
            default -> throw fail("reduce", op, "axis must be 0 (collapse rows) or 1 (collapse columns), got " + axis
                    + " for x " + x.describe());
        }
        distinct("reduce", op, "x", x, "out", out);
    }

    // ---------------------------------------------------------------- activations

    /** y has x's element count. */
    public static void activationForward(Activation act, Operand x, Operand y) {
        sameSize("activationForward", act, "x", x, "y", y);
    }

    /** y, dy and dx have x's element count. */
    public static void activationBackward(Activation act, Operand x, Operand y, Operand dy, Operand dx) {
        sameSize("activationBackward", act, "x", x, "y", y);
        sameSize("activationBackward", act, "x", x, "dy", dy);
        sameSize("activationBackward", act, "x", x, "dx", dx);
    }

    /** alpha (1, cols); y has x's shape. */
    public static void preluForward(Operand x, Operand alpha, Operand y) {
        shape("preluForward", null, "alpha", alpha, 1, x.cols());
        sameShape("preluForward", null, "x", x, "y", y);
    }

    /** alpha, dalpha (1, cols); dy, dx x's shape; dx may alias dy only, dalpha nothing. */
    public static void preluBackward(Operand x, Operand alpha, Operand dy, Operand dx, Operand dalpha) {
        String op = "preluBackward";
        shape(op, null, "alpha", alpha, 1, x.cols());
        shape(op, null, "dalpha", dalpha, 1, x.cols());
        sameShape(op, null, "x", x, "dy", dy);
        sameShape(op, null, "x", x, "dx", dx);
        distinct(op, null, "x, alpha, dy, dalpha", x, alpha, dy, dalpha);
        distinct(op, null, "x, alpha, dx, dalpha", x, alpha, dx, dalpha);
    }

    /** y has x's shape and its own buffer. */
    public static void softmax(Operand x, Operand y) {
        sameShape("softmax", null, "x", x, "y", y);
        distinct("softmax", null, "x", x, "y", y);
    }

    // ---------------------------------------------------------------- fused softmax + cross-entropy

    /** Checks the arguments (no two sharing a buffer); returns true for sparse labels (n, 1). */
    public static boolean softmaxCrossEntropy(Operand logits, Operand labels, Operand probs, Operand loss) {
        String op = "softmaxCrossEntropy";
        boolean sparse = sparseLabels(op, "logits", logits, labels);
        sameShape(op, null, "logits", logits, "probs", probs);
        shape(op, null, "loss", loss, logits.rows(), 1);
        distinct(op, null, "logits, labels, probs, loss", logits, labels, probs, loss);
        return sparse;
    }

    /** Checks the arguments (no two sharing a buffer); returns true for sparse labels (n, 1). */
    public static boolean softmaxCrossEntropyBackward(Operand probs, Operand labels, Operand dlogits) {
        String op = "softmaxCrossEntropyBackward";
        boolean sparse = sparseLabels(op, "probs", probs, labels);
        sameShape(op, null, "probs", probs, "dlogits", dlogits);
        distinct(op, null, "probs, labels, dlogits", probs, labels, dlogits);
        return sparse;
    }

    /**
     * Labels against scores (n, k): false for one-hot / soft labels (n, k), also when k = 1; true for class
     * indices (n, 1).
     */
    private static boolean sparseLabels(String op, String scoresName, Operand scores, Operand labels) {
        if (sameDims(labels, scores)) {
            return false;
        }
        if (labels.rows() == scores.rows() && labels.cols() == 1) {
            return true;
        }
        throw fail(op, null, "labels " + labels.describe() + " must be one-hot " + dims(scores.rows(), scores.cols())
                + " or class indices " + dims(scores.rows(), 1) + " for " + scoresName + " " + scores.describe());
    }

    // ---------------------------------------------------------------- dropout

    /** keep, the probability of keeping an element, is in (0, 1]. */
    public static void dropoutMask(float keep) {
        if (!(keep > 0f && keep <= 1f)) {
            throw fail("dropoutMask", null, "keep " + keep + " must be in (0, 1]");
        }
    }

    // ---------------------------------------------------------------- batch normalization

    /** y has x's shape; the per-channel tensors are (1, cols); no two arguments share a buffer. */
    public static void batchNormTrain(Operand x, Operand gamma, Operand beta, Operand runningMean, Operand runningVar,
                                      Operand y, Operand mean, Operand invStd) {
        String op = "batchNormTrain";
        batchNormShapes(op, x, gamma, beta, runningMean, runningVar, y);
        shape(op, null, "mean", mean, 1, x.cols());
        shape(op, null, "invStd", invStd, 1, x.cols());
        distinct(op, null, "x, gamma, beta, runningMean, runningVar, y, mean, invStd",
                x, gamma, beta, runningMean, runningVar, y, mean, invStd);
    }

    /** y has x's shape (and may alias x); the per-channel tensors are (1, cols) and share no buffer. */
    public static void batchNormInfer(Operand x, Operand gamma, Operand beta, Operand runningMean, Operand runningVar,
                                      Operand y) {
        String op = "batchNormInfer";
        batchNormShapes(op, x, gamma, beta, runningMean, runningVar, y);
        distinct(op, null, "gamma, beta, runningMean, runningVar, y", gamma, beta, runningMean, runningVar, y);
    }

    /** The shapes both batch-norm forwards share: y like x, the parameters and running stats (1, cols). */
    private static void batchNormShapes(String op, Operand x, Operand gamma, Operand beta, Operand runningMean,
                                        Operand runningVar, Operand y) {
        int c = x.cols();
        sameShape(op, null, "x", x, "y", y);
        shape(op, null, "gamma", gamma, 1, c);
        shape(op, null, "beta", beta, 1, c);
        shape(op, null, "runningMean", runningMean, 1, c);
        shape(op, null, "runningVar", runningVar, 1, c);
    }

    /** dy, dx have x's shape; the per-channel tensors are (1, cols); no two arguments share a buffer. */
    public static void batchNormBackward(Operand x, Operand gamma, Operand mean, Operand invStd, Operand dy,
                                         Operand dx, Operand dgamma, Operand dbeta) {
        String op = "batchNormBackward";
        int c = x.cols();
        sameShape(op, null, "x", x, "dy", dy);
        sameShape(op, null, "x", x, "dx", dx);
        shape(op, null, "gamma", gamma, 1, c);
        shape(op, null, "mean", mean, 1, c);
        shape(op, null, "invStd", invStd, 1, c);
        shape(op, null, "dgamma", dgamma, 1, c);
        shape(op, null, "dbeta", dbeta, 1, c);
        distinct(op, null, "x, gamma, mean, invStd, dy, dx, dgamma, dbeta",
                x, gamma, mean, invStd, dy, dx, dgamma, dbeta);
    }

    // ---------------------------------------------------------------- optimizer

    /**
     * g and the {@link OptimizerUpdate#stateCount()} state tensors the kind uses have w's shape, no two of
     * them share a buffer, and the step is 1-based.
     */
    public static void optimizerUpdate(OptimizerUpdate u, Operand w, Operand g, Operand s1, Operand s2) {
        String op = "optimizerUpdate";
        sameShape(op, u.kind(), "w", w, "g", g);
        int states = u.stateCount();
        if (states >= 1) {
            state(u, "s1", w, s1);
        }
        if (states >= 2) {
            state(u, "s2", w, s2);
        }
        if (u.step() < 1) {
            throw fail(op, u.kind(), "step must be >= 1 (1-based), got " + u.step());
        }
        // A flag a kernel would ignore is refused: ewa is a form of MOMENTUM only, its bias correction needs ewa.
        if (u.ewa() && u.kind() != OptimizerKind.MOMENTUM) {
            throw fail(op, u.kind(), "ewa applies to MOMENTUM only");
        }
        if (u.biasCorrection() && !u.ewa()) {
            throw fail(op, u.kind(), "biasCorrection applies to the ewa form of MOMENTUM only");
        }
        distinct(op, u.kind(), "w, g, s1, s2", w, g, states >= 1 ? s1 : null, states >= 2 ? s2 : null);
    }

    private static void state(OptimizerUpdate u, String name, Operand w, Operand s) {
        if (s == null) {
            throw fail("optimizerUpdate", u.kind(), name + " must be a state tensor shaped like w " + w.describe()
                    + ", got null");
        }
        sameShape("optimizerUpdate", u.kind(), "w", w, name, s);
    }

    // ---------------------------------------------------------------- data movement

    /** indices (n, 1); out (n, src cols); no two share a buffer. Index values are the backend's to check. */
    public static void gatherRows(Operand src, Operand indices, Operand out) {
        String op = "gatherRows";
        int n = indices.rows();
        shape(op, null, "indices", indices, n, 1);
        shape(op, null, "out", out, n, src.cols());
        distinct(op, null, "src, indices, out", src, indices, out);
    }

    /** dst has src's element count. */
    public static void copy(Operand src, Operand dst) {
        sameSize("copy", null, "src", src, "dst", dst);
    }
}
