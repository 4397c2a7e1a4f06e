package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.backend.ConvGeometry;
import io.myelin.config.ConfigObject;
import io.myelin.ops.Pool2dOp;
import io.myelin.tensor.Tensor;

import java.util.Map;

/**
 * The mean of each channel over the whole image, {@code (C, H, W) -> (C,)}, as Keras
 * {@code GlobalAveragePooling2D} (spec type {@code global_avgpool2d}). No parameters.
 */
public final class GlobalAveragePooling2D extends ImageLayer {
    private ConvGeometry geometry;

    /** The layer a spec entry describes (it takes no keys of its own). */
    public static GlobalAveragePooling2D fromConfig(ConfigObject c) {
        return new GlobalAveragePooling2D();
    }

    @Override
    public String type() {
        return "global_avgpool2d";
    }

    @Override
    protected int[] buildImage(Backend backend, int[] inputShape, long seed, int layerIndex) {
        geometry = ConvGeometry.of(inputShape[0], inputShape[1], inputShape[2], inputShape[1], inputShape[2], 1, 1,
                false);
        return imageOutputShape(inputShape);
    }

    @Override
    protected int[] imageOutputShape(int[] inputShape) {
        return new int[] {inputShape[0]};
    }

    @Override
    protected Tensor forwardImage(Tensor x, ForwardContext ctx) {
        return Pool2dOp.average(geometry, x);
    }

    @Override
    public Map<String, Object> config() {
        return Map.of();
    }
}
