package io.myelin.nn;

import io.myelin.tensor.Tensor;

/**
 * A named, persistent tensor of a layer: a trainable weight (with gradient and optimizer state) or a
 * non-trainable buffer such as a batch-norm running mean. Lives as long as its model.
 *
 * <p>Made by one of three factories that say what it is: {@link #trainable} (gets a gradient and optimizer
 * state), {@link #trainableTransposedInFiles} (the same, for Dense kernels, stored {@code [in, out]} here and
 * {@code [out, in]} in model files, PyTorch's layout) and {@link #buffer} (no gradient, no optimizer state).
 *
 * <pre>{@code
 * Parameter bias = Parameter.trainable("dense_0.bias", Tensor.full(backend, 0f, 1, 10), 10);
 * }</pre>
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

    private Parameter(String name, Tensor value, boolean buffer, boolean fileLayoutTransposed, int[] fileShape) {
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

    /** A trainable tensor stored in model files as it is in memory, e.g. a bias {@code [n]}. */
    public static Parameter trainable(String name, Tensor value, int... fileShape) {
        return new Parameter(name, value, false, false, fileShape);
    }

    /**
     * A trainable {@code (rows, cols)} tensor stored transposed in model files: a Dense kernel, {@code (in, out)}
     * here and {@code [out, in]} there.
     */
    public static Parameter trainableTransposedInFiles(String name, Tensor value, int... fileShape) {
        return new Parameter(name, value, false, true, fileShape);
    }

    /** Non-trainable state saved with the model (batch-norm running statistics): no gradient, no optimizer state. */
    public static Parameter buffer(String name, Tensor value, int... fileShape) {
        return new Parameter(name, value, true, false, fileShape);
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
