package io.myelin.nn;

import io.myelin.tensor.Tensor;

/** Name, trainable flag and built-state bookkeeping shared by the layers. */
public abstract class AbstractLayer implements Layer {
    private String name;
    private boolean trainable = true;
    protected int outputFeatures = -1;

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
