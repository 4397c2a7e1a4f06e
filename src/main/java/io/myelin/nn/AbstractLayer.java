package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.tensor.Tensor;

import java.util.List;

/**
 * Name, trainable flag and built-state bookkeeping shared by the layers. A layer without parameters that keeps
 * its input's shape (an activation) needs only {@link #type}, {@link #forward} and {@link #config}: building
 * keeps the width and there are no parameters until a subclass says otherwise.
 */
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

    /** Keeps the width: {@code inputFeatures} out. */
    @Override
    public int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        outputFeatures = inputFeatures;
        return inputFeatures;
    }

    @Override
    public int[] build(Backend backend, int[] inputShape, long seed, int layerIndex) {
        int[] out = Layer.super.build(backend, inputShape, seed, layerIndex);
        outputShape = out.clone();
        return out;
    }

    /** None. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
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

    protected static void requireFeatures(Tensor x, int expected, String layer) {
        if (x.cols() != expected) {
            throw new IllegalArgumentException("layer " + layer + " expects " + expected + " input features, got "
                    + x.describe());
        }
    }
}
