package io.myelin.nn;

import io.myelin.config.ConfigObject;

/**
 * Max pooling (spec type {@code maxpool2d}), as Keras {@code MaxPooling2D} and PyTorch {@code MaxPool2d}: the
 * largest value of each window; the gradient goes to the first maximum (PyTorch) and NaN wins. {@code pool_size} (default 2), {@code strides} (default the pool size),
 * {@code padding} {@code "valid"} or {@code "same"}. No parameters.
 *
 * <pre>{@code
 * model.add(new MaxPool2D(2));
 * }</pre>
 */
public final class MaxPool2D extends Pooling2D {
    public MaxPool2D(int poolH, int poolW, int strideH, int strideW, boolean same) {
        super(true, poolH, poolW, strideH, strideW, same);
    }

    /** A square window, stride = window, "valid". */
    public MaxPool2D(int pool) {
        this(pool, pool, pool, pool, false);
    }

    /** The layer a spec entry describes: pool_size, strides, padding. */
    public static MaxPool2D fromConfig(ConfigObject c) {
        int[] w = specWindow(c);
        return new MaxPool2D(w[0], w[1], w[2], w[3], w[4] == 1);
    }
}
