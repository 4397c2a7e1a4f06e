package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.tensor.Tensor;

/**
 * A layer over channels-first images {@code (C, H, W)} ({@link Conv2D}, the poolings): a flat input is refused
 * naming the fix, the output shape is kept, and every batch is checked against the input size before the
 * subclass sees it. A subclass gives the output shape for an input shape and the forward pass.
 */
public abstract class ImageLayer extends AbstractLayer {
    private int inputSize;

    /** Refuses a flat input: these layers need {@code (C, H, W)}. */
    @Override
    public final int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        throw new IllegalArgumentException(type() + " needs a (C, H, W) input, got (" + inputFeatures + ",)");
    }

    @Override
    public final int[] build(Backend backend, int[] inputShape, long seed, int layerIndex) {
        requireImage(inputShape);
        int[] out = buildImage(backend, inputShape, seed, layerIndex);
        inputSize = Shapes.product(inputShape);
        outputShape = out.clone();
        outputFeatures = Shapes.product(out);
        return out.clone();
    }

    /** Refuses a flat input, then {@link #imageOutputShape}. */
    @Override
    public final int[] outputShapeFor(int[] inputShape) {
        requireImage(inputShape);
        return imageOutputShape(inputShape);
    }

    private void requireImage(int[] inputShape) {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException(type() + " needs a (C, H, W) input, got " + Shapes.describe(inputShape)
                    + (inputShape.length == 1 ? ": give the model an input_shape such as [1, 28, 28]" : ""));
        }
    }

    /**
     * The output shape for images of {@code inputShape} {@code [C, H, W]}, what {@link #buildImage} returns,
     * without allocating; a window that does not fit throws.
     */
    protected abstract int[] imageOutputShape(int[] inputShape);

    /**
     * Allocates what the layer needs for images of {@code inputShape} {@code [C, H, W]} and returns the
     * per-sample output shape.
     */
    protected abstract int[] buildImage(Backend backend, int[] inputShape, long seed, int layerIndex);

    /** x: (batch, C*H*W), checked, then {@link #forwardImage}. */
    @Override
    public final Tensor forward(Tensor x, ForwardContext ctx) {
        requireBuilt();
        requireFeatures(x, inputSize, name());
        return forwardImage(x, ctx);
    }

    /** x: (batch, C*H*W) of the built input shape → (batch, output features). */
    protected abstract Tensor forwardImage(Tensor x, ForwardContext ctx);
}
