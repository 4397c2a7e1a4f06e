package io.myelin.train;

import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.UnaryOp;
import io.myelin.loss.Loss;
import io.myelin.ops.Reductions;
import io.myelin.tensor.Tensor;

import java.util.Locale;

/**
 * A metric accumulated on the device: each batch adds its sum into a (1, 1) accumulator, read once per
 * epoch (or progress tick) and divided by the number of samples (or elements, for MAE/MSE).
 *
 * @param name    history key ("accuracy", "mae", "mse")
 * @param kind    how predictions are compared with targets
 */
public record Metric(String name, Kind kind) {

    /** Supported metrics. */
    public enum Kind { SPARSE_ACCURACY, CATEGORICAL_ACCURACY, BINARY_ACCURACY, SIGN_ACCURACY, MAE, MSE }

    /** "accuracy" resolves against the loss's target kind, as in Keras. */
    public static Metric parse(String name, Loss loss) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        return switch (n) {
            case "accuracy", "acc" -> new Metric("accuracy", switch (loss.targetKind()) {
                case SPARSE_CLASSES -> Kind.SPARSE_ACCURACY;
                case ONE_HOT -> Kind.CATEGORICAL_ACCURACY;
                case BINARY -> Kind.BINARY_ACCURACY;
                case SIGNED -> Kind.SIGN_ACCURACY;
                case REGRESSION -> throw new IllegalArgumentException(
                        "metric 'accuracy' needs a classification loss, not '" + loss.name() + "'");
            });
            case "sparse_categorical_accuracy" -> new Metric("accuracy", Kind.SPARSE_ACCURACY);
            case "categorical_accuracy" -> new Metric("accuracy", Kind.CATEGORICAL_ACCURACY);
            case "binary_accuracy" -> new Metric("accuracy", Kind.BINARY_ACCURACY);
            case "mae" -> new Metric("mae", Kind.MAE);
            case "mse" -> new Metric("mse", Kind.MSE);
            default -> throw new IllegalArgumentException("unknown metric '" + name + "'; known: accuracy, "
                    + "sparse_categorical_accuracy, categorical_accuracy, binary_accuracy, mae, mse");
        };
    }

    /** True when the accumulated sum is divided by elements rather than samples. */
    public boolean perElement() {
        return kind == Kind.MAE || kind == Kind.MSE;
    }

    /**
     * Adds this batch's metric sum to {@code acc} (1, 1). pred (n, k) are probabilities, logits (argmax
     * is the same) or raw outputs; target as the loss consumes it. Binary accuracy thresholds outputs at
     * {@code threshold} (0.5 for probabilities, 0 for logits).
     */
    public void accumulate(Tensor pred, Tensor target, float threshold, Tensor acc) {
        Backend be = pred.backend();
        Tensor perRow;
        switch (kind) {
            case SPARSE_ACCURACY, CATEGORICAL_ACCURACY -> {
                Tensor predClass = Tensor.empty(be, pred.rows(), 1);
                be.reduce(ReduceOp.ARGMAX, 1, pred, predClass);
                Tensor trueClass = target;
                if (kind == Kind.CATEGORICAL_ACCURACY) {
                    trueClass = Tensor.empty(be, pred.rows(), 1);
                    be.reduce(ReduceOp.ARGMAX, 1, target, trueClass);
                }
                be.binary(BinaryOp.SUB, predClass, trueClass, predClass);
                be.unary(UnaryOp.ABS, 0, 0, predClass, predClass);
                be.unary(UnaryOp.GREATER_THAN, 0.5f, 0, predClass, predClass);   // 1 = wrong
                be.unary(UnaryOp.AFFINE, -1f, 1f, predClass, predClass);         // 1 = right
                perRow = predClass;
            }
            case BINARY_ACCURACY, SIGN_ACCURACY -> {
                Tensor hit = pred.emptyLike();
                if (kind == Kind.BINARY_ACCURACY) {
                    be.unary(UnaryOp.GREATER_THAN, threshold, 0, pred, hit);       // predicted 1
                    be.binary(BinaryOp.SUB, hit, target, hit);
                    be.unary(UnaryOp.ABS, 0, 0, hit, hit);
                    be.unary(UnaryOp.AFFINE, -1f, 1f, hit, hit);
                } else {
                    be.binary(BinaryOp.MUL, pred, target, hit);
                    be.unary(UnaryOp.GREATER_THAN, 0f, 0, hit, hit);
                }
                perRow = hit;
            }
            default -> {
                Tensor d = pred.emptyLike();
                be.binary(BinaryOp.SUB, pred, target, d);
                be.unary(kind == Kind.MAE ? UnaryOp.ABS : UnaryOp.SQUARE, 0, 0, d, d);
                perRow = d;
            }
        }
        addSum(perRow, acc);
    }

    /** acc += sum(x). */
    static void addSum(Tensor x, Tensor acc) {
        Tensor total = Reductions.sumAll(x);
        x.backend().binary(BinaryOp.ADD, acc, total, acc);
    }
}
