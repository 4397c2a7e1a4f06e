package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * A model layer: built once for an input shape (allocating its parameters on a backend), then applied to
 * batches. Layers are composed from differentiable ops in {@code io.myelin.ops}, so they never see which
 * backend runs them. A spec entry becomes a layer through {@link Layers}, which maps each spec type to the
 * layer's static {@code fromConfig(ConfigObject)}; a layer's {@link #config()} writes the keys that reads.
 *
 * <pre>{@code
 * Layer d = new Dense(10, "softmax");
 * }</pre>
 */
public interface Layer extends AutoCloseable {
    /** Spec type, one of {@link Layers#types()} (batch normalization answers {@code batchnorm}). */
    String type();

    /** Unique name in its model, e.g. {@code dense_0}; assigned by the model when null. */
    String name();

    void setName(String name);

    /**
     * Allocates parameters for inputs of {@code inputFeatures} features and returns the output features.
     *
     * @param layerIndex position in the model, used as the random stream for init and dropout
     */
    int build(Backend backend, int inputFeatures, long seed, int layerIndex);

    boolean isBuilt();

    /**
     * Builds for a per-sample input shape, {@code [features]} or channels-first {@code [C, H, W]}, and returns
     * the per-sample output shape. The default suits layers that only count features: it builds for the
     * product of the shape and keeps the shape when the feature count is unchanged (activations, dropout).
     */
    default int[] build(Backend backend, int[] inputShape, long seed, int layerIndex) {
        int features = Shapes.product(inputShape);
        int out = build(backend, features, seed, layerIndex);
        return out == features ? inputShape.clone() : new int[] {out};
    }

    /**
     * The per-sample output shape {@link #build(Backend, int[], long, int)} gives for {@code inputShape}, found
     * without a backend and without allocating, so a whole spec can be checked before a backend starts; an input
     * the layer cannot take throws the {@link IllegalArgumentException} that building would. The default keeps
     * the shape (activations, dropout, batch norm, PReLU).
     */
    default int[] outputShapeFor(int[] inputShape) {
        return inputShape.clone();
    }

    /**
     * What {@link #build} will allocate for a flat input of {@code inputFeatures}, known before anything is: the
     * floats of its parameters and buffers, and its output features. A layer that cannot be built that wide
     * throws an {@link IllegalArgumentException} naming the sizes. The default suits layers without parameters
     * that keep the width (activations, dropout, flatten).
     */
    default FlatSize flatSize(long inputFeatures) {
        return new FlatSize(0, inputFeatures);
    }

    /**
     * A layer's size on a flat input.
     *
     * @param parameters     floats of its parameters and buffers
     * @param outputFeatures its output width
     */
    record FlatSize(long parameters, long outputFeatures) {
    }

    /** The per-sample output shape once built: {@code [features]} or {@code [C, H, W]}. */
    default int[] outputShape() {
        return new int[] {outputFeatures()};
    }

    /** x: (batch, in) → (batch, out). */
    Tensor forward(Tensor x, ForwardContext ctx);

    /** Trainable tensors (weights, biases, gamma/beta, PReLU slopes), empty if none. */
    List<Parameter> parameters();

    /** Non-trainable state saved with the model (batch-norm running statistics). */
    default List<Parameter> buffers() {
        return List.of();
    }

    /** False freezes the layer's parameters (fine-tuning). */
    boolean trainable();

    void setTrainable(boolean trainable);

    /** True when the layer's last step is a softmax that {@link ForwardContext#skipFinalSoftmax} can skip. */
    default boolean endsWithSoftmax() {
        return false;
    }

    /** Hyperparameters for the model file / summary (type and name excluded). */
    Map<String, Object> config();

    int outputFeatures();

    @Override
    default void close() {
        parameters().forEach(Parameter::close);
        buffers().forEach(Parameter::close);
    }
}
