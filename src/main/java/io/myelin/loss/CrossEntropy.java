package io.myelin.loss;

import io.myelin.autograd.Grads;
import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Tensor;

/**
 * Categorical cross-entropy, one-hot ({@code categorical_crossentropy}) or integer labels
 * ({@code sparse_categorical_crossentropy}): {@code l = -sum_j y_j ln p_j}, batch mean.
 *
 * <p>When the model ends in softmax, {@link io.myelin.train.Sequential} passes the logits and this loss
 * uses the fused, stable softmax-cross-entropy primitive ({@link #fromLogits}), whose gradient is
 * {@code (p - y)/n}. On plain probabilities ({@link #compute}) it clips to {@code [1e-7, 1]} like Keras.
 * <pre>
 *   logits/probs: (n, k)   labels: (n, k) one-hot or (n, 1) class indices   -> loss (1, 1)
 * </pre>
 */
public final class CrossEntropy implements Loss {
    private static final float EPS = 1e-7f;
    private final boolean sparse;

    private CrossEntropy(boolean sparse) {
        this.sparse = sparse;
    }

    public static CrossEntropy categorical() {
        return new CrossEntropy(false);
    }

    public static CrossEntropy sparse() {
        return new CrossEntropy(true);
    }

    @Override
    public String name() {
        return sparse ? "sparse_categorical_crossentropy" : "categorical_crossentropy";
    }

    @Override
    public TargetKind targetKind() {
        return sparse ? TargetKind.SPARSE_CLASSES : TargetKind.ONE_HOT;
    }

    private void checkLabels(Tensor pred, Tensor labels) {
        boolean ok = labels.rows() == pred.rows() && (sparse ? labels.cols() == 1 : labels.cols() == pred.cols());
        if (!ok) {
            throw new IllegalArgumentException(name() + ": predictions " + pred.describe() + " need labels of shape ("
                    + pred.rows() + ", " + (sparse ? 1 : pred.cols()) + "), got " + labels.describe());
        }
    }

    /** Fused softmax + cross-entropy from logits. */
    public Tensor fromLogits(Tensor logits, Tensor labels) {
        checkLabels(logits, labels);
        Backend be = logits.backend();
        Tensor probs = logits.emptyLike();
        Tensor rowLoss = Tensor.empty(be, logits.rows(), 1);
        be.softmaxCrossEntropy(logits, labels, probs, rowLoss);
        Tensor loss = ElementwiseLoss.LossReductions.meanToScalar(rowLoss, logits.rows());
        rowLoss.close();
        if (Tape.recording(logits)) {
            float scale = 1f / logits.rows();
            Tape.record(loss, () -> Grads.add(logits,
                    dz -> be.softmaxCrossEntropyBackward(probs, labels, scale, dz)));
        }
        return loss;
    }

    /** Cross-entropy on probabilities (clipped), for models whose output is not a softmax layer. */
    @Override
    public Tensor compute(Tensor probs, Tensor labels) {
        checkLabels(probs, labels);
        Backend be = probs.backend();
        Tensor oneHot = sparse ? oneHot(labels, probs.cols()) : labels;
        Tensor logP = probs.emptyLike();
        be.unary(UnaryOp.CLAMP, EPS, 1f, probs, logP);
        be.unary(UnaryOp.LOG, 0, 0, logP, logP);
        be.binary(BinaryOp.MUL, logP, oneHot, logP);
        be.unary(UnaryOp.AFFINE, -1f, 0f, logP, logP);
        Tensor loss = ElementwiseLoss.LossReductions.meanToScalar(logP, probs.rows());
        logP.close();
        if (Tape.recording(probs)) {
            float scale = -1f / probs.rows();
            Tape.record(loss, () -> Grads.add(probs, dp -> {
                be.unary(UnaryOp.CLAMP, EPS, 1f, probs, dp);
                be.binary(BinaryOp.DIV, oneHot, dp, dp);
                be.unary(UnaryOp.AFFINE, scale, 0f, dp, dp);
            }));
        }
        return loss;
    }

    /** (n, 1) class indices → (n, k) one-hot, on the device: {@code |j - label| < 0.5}. */
    static Tensor oneHot(Tensor labels, int k) {
        Backend be = labels.backend();
        float[] cols = new float[k];
        for (int j = 0; j < k; j++) {
            cols[j] = j;
        }
        Tensor idx = Tensor.of(be, cols, 1, k);
        Tensor out = Tensor.empty(be, labels.rows(), k);
        be.fill(out, 0f);
        be.binary(BinaryOp.ADD, out, idx, out);                      // out[i, j] = j
        be.binary(BinaryOp.SUB, out, labels, out);                   // j - label_i
        be.unary(UnaryOp.ABS, 0, 0, out, out);
        be.unary(UnaryOp.GREATER_THAN, 0.5f, 0f, out, out);          // 1 where j != label
        be.unary(UnaryOp.AFFINE, -1f, 1f, out, out);
        idx.close();
        return out;
    }

    /** Row argmax of probabilities/logits as (n, 1) class indices. */
    static Tensor argmax(Tensor x) {
        Tensor out = Tensor.empty(x.backend(), x.rows(), 1);
        x.backend().reduce(ReduceOp.ARGMAX, 1, x, out);
        return out;
    }
}
