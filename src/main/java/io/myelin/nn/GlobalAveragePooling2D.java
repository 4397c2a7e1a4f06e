package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.backend.ConvGeometry;
import io.myelin.config.ConfigObject;
import io.myelin.ops.Pool2dOp;
import io.myelin.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * The mean of each channel over the whole image, {@code (C, H, W) -> (C,)}, as Keras
 * {@code GlobalAveragePooling2D} (spec type {@code global_avgpool2d}). No parameters.
 */
public final class GlobalAveragePooling2D extends AbstractLayer {
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
    public int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        throw new IllegalArgumentException("global_avgpool2d needs a (C, H, W) input, got (" + inputFeatures + ",)");
    }

    @Override
    public int[] build(Backend backend, int[] inputShape, long seed, int layerIndex) {
        requireImage(inputShape, type());
        geometry = ConvGeometry.of(inputShape[0], inputShape[1], inputShape[2], inputShape[1], inputShape[2], 1, 1,
                false);
        outputShape = new int[] {inputShape[0]};
        outputFeatures = inputShape[0];
        return outputShape.clone();
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext ctx) {
        requireBuilt();
        requireFeatures(x, geometry.inputSize(), name());
        return Pool2dOp.average(geometry, x);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Map<String, Object> config() {
        return Map.of();
    }
}
