package io.myelin.nn;

import io.myelin.config.ConfigObject;

/**
 * Average pooling (spec type {@code avgpool2d}), as Keras {@code AveragePooling2D}: the mean of each window
 * over its in-image positions (with "valid" windows, PyTorch's {@code AvgPool2d}). {@code pool_size} (default 2), {@code strides} (default the pool size),
 * {@code padding} {@code "valid"} or {@code "same"}. No parameters.
 *
 * <pre>{@code
 * model.add(new AveragePooling2D(2));
 * }</pre>
 */
public final class AveragePooling2D extends Pooling2D {
    public AveragePooling2D(int poolH, int poolW, int strideH, int strideW, boolean same) {
        super(false, poolH, poolW, strideH, strideW, same);
    }

    /** A square window, stride = window, "valid". */
    public AveragePooling2D(int pool) {
        this(pool, pool, pool, pool, false);
    }

    /** The layer a spec entry describes: pool_size, strides, padding. */
    public static AveragePooling2D fromConfig(ConfigObject c) {
        int[] w = specWindow(c);
        return new AveragePooling2D(w[0], w[1], w[2], w[3], w[4] == 1);
    }
}
