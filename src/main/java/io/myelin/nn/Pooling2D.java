package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.backend.ConvGeometry;
import io.myelin.config.ConfigObject;
import io.myelin.ops.Pool2dOp;
import io.myelin.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared body of {@link MaxPool2D} and {@link AveragePooling2D}: pooling over channels-first images,
 * {@code pool_size} (default 2), {@code strides} (default the pool size) and {@code padding} {@code "valid"}
 * or {@code "same"}. Windows are clipped to the image: padding never wins a max and is not counted in a
 * mean. Max pooling routes the gradient to the first maximum of each window (PyTorch). No parameters.
 */
public abstract class Pooling2D extends ImageLayer {

    private final boolean max;
    private final int poolH;
    private final int poolW;
    private final int strideH;
    private final int strideW;
    private final boolean same;
    private ConvGeometry geometry;

    Pooling2D(boolean max, int poolH, int poolW, int strideH, int strideW, boolean same) {
        if (poolH <= 0 || poolW <= 0 || strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException((max ? "maxpool2d" : "avgpool2d") + " pool_size and strides must be "
                    + "positive, got pool_size=" + poolH + "x" + poolW + " strides=" + strideH + "x" + strideW);
        }
        this.max = max;
        this.poolH = poolH;
        this.poolW = poolW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.same = same;
    }

    /** pool_size (2), strides (= pool_size), padding of a spec object: {h, w, sh, sw, same ? 1 : 0}. */
    static int[] specWindow(ConfigObject c) {
        int[] pool = c.positiveIntPair("pool_size", new int[] {2, 2});
        int[] strides = c.positiveIntPair("strides", pool);
        return new int[] {pool[0], pool[1], strides[0], strides[1], Conv2D.samePadding(c) ? 1 : 0};
    }

    @Override
    public final String type() {
        return max ? "maxpool2d" : "avgpool2d";
    }

    @Override
    protected int[] buildImage(Backend backend, int[] inputShape, long seed, int layerIndex) {
        geometry = geometryFor(inputShape);
        return imageOutputShape(inputShape);
    }

    @Override
    protected int[] imageOutputShape(int[] inputShape) {
        ConvGeometry g = geometryFor(inputShape);
        return new int[] {inputShape[0], g.outHeight(), g.outWidth()};
    }

    private ConvGeometry geometryFor(int[] inputShape) {
        return ConvGeometry.of(inputShape[0], inputShape[1], inputShape[2], poolH, poolW, strideH, strideW, same);
    }

    @Override
    protected Tensor forwardImage(Tensor x, ForwardContext ctx) {
        return max ? Pool2dOp.max(geometry, x) : Pool2dOp.average(geometry, x);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("pool_size", List.of(poolH, poolW));
        c.put("strides", List.of(strideH, strideW));
        c.put("padding", same ? "same" : "valid");
        return c;
    }
}
