package io.myelin.io;

import java.util.Arrays;

/**
 * A named host tensor: float32 values, row-major, of the given shape ({@code []} is a scalar).
 *
 * <pre>{@code
 * NamedTensor w = new NamedTensor("dense_0.weight", new int[] {10, 64}, new float[640]); // [out, in]
 * }</pre>
 */
public record NamedTensor(String name, int[] shape, float[] data) {
    public NamedTensor {
        long numel = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + " has negative dimension in " + Arrays.toString(shape));
            }
            numel *= d;
        }
        if (numel != data.length) {
            throw new IllegalArgumentException("tensor " + name + " of shape " + Arrays.toString(shape) + " needs "
                    + numel + " values, got " + data.length);
        }
        shape = shape.clone();
    }

    /** The shape (a copy). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int numel() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NamedTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
