package io.myelin.tensor;

import io.myelin.backend.Backend;
import io.myelin.backend.Operand;
import io.myelin.backend.Storage;

import java.util.Arrays;

/**
 * A float32, row-major tensor owned by a {@link Backend}. Ops view it as 2-D: {@link #rows()} is the
 * first dimension and {@link #cols()} the product of the others (a 1-D tensor {@code [n]} is {@code (1, n)}).
 * Backends see it as an {@link Operand} (storage, shape, description): what the tensor adds for autograd
 * and scopes stays out of the SPI.
 *
 * <p>Memory: a tensor created while a {@link Scope} is open belongs to that scope and is released when it
 * closes; one created with no scope open belongs to the caller, who closes it (try-with-resources).
 *
 * <p>Autograd: a tensor may carry a gradient of its own shape. {@link #hasGrad()} says whether the grad
 * holds a value for the current backward pass; ops write it with "assign if empty, else accumulate", so
 * activation gradients are assigned once and parameter gradients accumulate until {@link #zeroGrad()}.
 *
 * <pre>{@code
 * try (Tensor x = Tensor.of(backend, new float[] {1, 2, 3, 4}, 2, 2)) { float[] v = x.toArray(); }
 * }</pre>
 */
public final class Tensor implements Operand, AutoCloseable {
    private final Backend backend;
    private final int[] shape;
    private final int rows;
    private final int cols;
    private Storage storage;
    private String name;

    private boolean requiresGrad;
    private Tensor grad;
    private boolean gradValid;

    private Tensor(Backend backend, Storage storage, int[] shape) {
        this.backend = backend;
        this.storage = storage;
        this.shape = shape;
        this.rows = shape.length == 0 ? 1 : (shape.length == 1 ? 1 : shape[0]);
        long n = numel(shape);
        this.cols = (int) (n / Math.max(rows, 1));
        if (rows == 0) {
            throw new IllegalArgumentException("empty tensor shape " + Arrays.toString(shape));
        }
    }

    /** A new tensor with undefined contents, registered with the current {@link Scope} if one is open. */
    public static Tensor empty(Backend backend, int... shape) {
        checkShape(shape);
        Tensor t = new Tensor(backend, backend.allocate(numel(shape)), shape.clone());
        Scope.register(t);
        return t;
    }

    /** A new tensor filled with {@code value}. */
    public static Tensor full(Backend backend, float value, int... shape) {
        Tensor t = empty(backend, shape);
        backend.fill(t, value);
        return t;
    }

    public static Tensor zeros(Backend backend, int... shape) {
        return full(backend, 0f, shape);
    }

    /** Uploads {@code data} (row-major, exactly the shape's element count). */
    public static Tensor of(Backend backend, float[] data, int... shape) {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + numel(shape)
                    + " values, got " + data.length);
        }
        Tensor t = empty(backend, shape);
        backend.upload(data, t);
        return t;
    }

    /** A tensor of the same backend and shape, undefined contents. */
    public Tensor emptyLike() {
        return empty(backend, shape);
    }

    private static void checkShape(int[] shape) {
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor dimensions must be positive: " + Arrays.toString(shape));
            }
        }
        if (numel(shape) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
        }
    }

    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** The backend buffer; only backends look inside. Throws if the tensor was closed. */
    @Override
    public Storage storage() {
        if (storage == null) {
            throw new IllegalStateException("tensor " + describe() + " used after close()");
        }
        return storage;
    }

    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public int size() {
        return rows * cols;
    }

    public boolean sameShape(Tensor o) {
        return rows == o.rows && cols == o.cols;
    }

    public String name() {
        return name;
    }

    public Tensor setName(String name) {
        this.name = name;
        return this;
    }

    /** "dense_0.weight (784, 256)" or "(128, 10)". */
    @Override
    public String describe() {
        return (name == null ? "" : name + " ") + "(" + rows + ", " + cols + ")";
    }

    /** Downloads the contents (waits for the device). */
    public float[] toArray() {
        float[] out = new float[size()];
        backend.download(this, out);
        return out;
    }

    /** Uploads new contents of the same size. */
    public void set(float[] data) {
        backend.upload(data, this);
    }

    /** The first element, downloaded. */
    public float item() {
        return toArray()[0];
    }

    // ---------------------------------------------------------------- autograd state

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public Tensor setRequiresGrad(boolean value) {
        this.requiresGrad = value;
        return this;
    }

    /** The gradient buffer, or null if none was allocated yet. Check {@link #hasGrad()} for validity. */
    public Tensor grad() {
        return grad;
    }

    /** True when the gradient holds a value written in the current backward pass. */
    public boolean hasGrad() {
        return grad != null && gradValid;
    }

    /**
     * The gradient buffer to write, allocated on first use in the current scope (parameters allocate it
     * once, outside any step scope, via {@link #allocateGrad()}).
     */
    public Tensor gradBuffer() {
        if (grad == null) {
            grad = empty(backend, shape);
        }
        return grad;
    }

    /** Allocates a persistent gradient buffer now (not owned by any scope). */
    public void allocateGrad() {
        if (grad == null) {
            grad = Scope.unscoped(() -> empty(backend, shape));
        }
    }

    /** Marks the gradient as written for this pass. */
    public void markGradValid() {
        gradValid = true;
    }

    /** Forgets the gradient's value (no memset: the next write assigns instead of accumulating). */
    public void zeroGrad() {
        gradValid = false;
    }

    /** Drops a scope-owned gradient buffer reference (the scope frees it). */
    public void detachGrad() {
        grad = null;
        gradValid = false;
    }

    public boolean isClosed() {
        return storage == null;
    }

    @Override
    public void close() {
        if (storage != null) {
            backend.release(storage);
            storage = null;
        }
        if (grad != null && !Scope.isOwned(grad)) {
            grad.close();
        }
        grad = null;
    }

    @Override
    public String toString() {
        return "Tensor" + describe() + " on " + backend.name();
    }
}
