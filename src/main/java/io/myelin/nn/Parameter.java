package io.myelin.nn;

import io.myelin.tensor.Tensor;

/**
 * A named, persistent tensor of a layer: a trainable weight (with gradient and optimizer state) or a
 * non-trainable buffer such as a batch-norm running mean. Lives as long as its model.
 *
 * <p>{@code fileLayoutTransposed} marks Dense kernels, stored {@code [in, out]} here and {@code [out, in]} in
 * model files (PyTorch layout).
 */
public final class Parameter implements AutoCloseable {
    private final String name;
    private final Tensor value;
    private final boolean buffer;
    private final boolean fileLayoutTransposed;
    private final int[] fileShape;
    private float l1;
    private float l2;
    private final Tensor[] state = new Tensor[2];

    public Parameter(String name, Tensor value, boolean buffer, boolean fileLayoutTransposed, int[] fileShape) {
        this.name = name;
        this.value = value;
        this.buffer = buffer;
        this.fileLayoutTransposed = fileLayoutTransposed;
        this.fileShape = fileShape.clone();
        value.setName(name);
        if (!buffer) {
            value.setRequiresGrad(true);
            value.allocateGrad();
        }
    }

    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    /** True for non-trainable state (running statistics) that never gets a gradient. */
    public boolean isBuffer() {
        return buffer;
    }

    public boolean fileLayoutTransposed() {
        return fileLayoutTransposed;
    }

    /** Shape in model files (PyTorch layout), e.g. {@code [out, in]} for a Dense kernel, {@code [n]} for a bias. */
    public int[] fileShape() {
        return fileShape.clone();
    }

    public float l1() {
        return l1;
    }

    public float l2() {
        return l2;
    }

    public void setRegularization(float l1, float l2) {
        this.l1 = l1;
        this.l2 = l2;
    }

    /** Optimizer state slot 0 or 1, allocated by the optimizer on first use (null before). */
    public Tensor state(int i) {
        return state[i];
    }

    public void setState(int i, Tensor t) {
        if (state[i] != null) {
            state[i].close();
        }
        state[i] = t;
    }

    @Override
    public void close() {
        value.close();
        for (int i = 0; i < state.length; i++) {
            setState(i, null);
        }
    }
}
