package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.tensor.Tensor;

/** Name, trainable flag and built-state bookkeeping shared by the layers. */
public abstract class AbstractLayer implements Layer {
    private String name;
    private boolean trainable = true;
    protected int outputFeatures = -1;
    /** The per-sample output shape, set by {@link #build(Backend, int[], long, int)}; null for flat outputs. */
    protected int[] outputShape;

    @Override
    public String name() {
        return name;
    }

    @Override
    public void setName(String name) {
        this.name = name;
    }

    @Override
    public boolean trainable() {
        return trainable;
    }

    @Override
    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
        for (Parameter p : parameters()) {
            p.value().setRequiresGrad(trainable);
        }
    }

    @Override
    public int[] build(Backend backend, int[] inputShape, long seed, int layerIndex) {
        int[] out = Layer.super.build(backend, inputShape, seed, layerIndex);
        outputShape = out.clone();
        return out;
    }

    @Override
    public int[] outputShape() {
        return outputShape != null ? outputShape.clone() : new int[] {outputFeatures};
    }

    @Override
    public boolean isBuilt() {
        return outputFeatures >= 0;
    }

    @Override
    public int outputFeatures() {
        return outputFeatures;
    }

    protected void requireBuilt() {
        if (!isBuilt()) {
            throw new IllegalStateException("layer " + name + " used before build()");
        }
    }

    /** Throws unless the input is an image shape {@code [C, H, W]}. */
    protected static void requireImage(int[] inputShape, String type) {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException(type + " needs a (C, H, W) input, got " + Shapes.describe(inputShape)
                    + (inputShape.length == 1 ? ": give the model an input_shape such as [1, 28, 28]" : ""));
        }
    }

    protected static void requireFeatures(Tensor x, int expected, String layer) {
        if (x.cols() != expected) {
            throw new IllegalArgumentException("layer " + layer + " expects " + expected + " input features, got "
                    + x.describe());
        }
    }
}
