package io.myelin.loss;

import io.myelin.tensor.Tensor;

import java.util.Map;

/**
 * A training loss: the batch mean of a per-sample loss. {@link #compute} returns a (1, 1) tensor and, when
 * recording, a backward rule writing {@code d(loss)/d(pred)} (the loss must be the root of backward).
 *
 * <pre>{@code
 * Tensor l = Losses.create("mse").compute(pred, target);
 * }</pre>
 */
public interface Loss {
    /** Spec name, e.g. {@code huber}. */
    String name();

    /** Scalar batch loss of predictions (n, k) against targets (n, k), or (n, 1) class indices where sparse. */
    Tensor compute(Tensor pred, Tensor target);

    /** What the loss expects as targets. */
    TargetKind targetKind();

    /** Parameters for the model file, e.g. {@code {"delta": 1.0}}. */
    default Map<String, Object> config() {
        return Map.of();
    }

    /** The form of the targets a loss consumes. */
    enum TargetKind {
        /** Real values of the prediction's shape. */
        REGRESSION,
        /** Integer class indices (n, 1). */
        SPARSE_CLASSES,
        /** One-hot rows of the prediction's shape. */
        ONE_HOT,
        /** Binary labels 0/1 of the prediction's shape. */
        BINARY,
        /** Signed labels -1/+1 of the prediction's shape. */
        SIGNED,
    }
}
