package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.config.ConfigObject;
import io.myelin.tensor.Tensor;

import java.util.Map;

/**
 * {@code (C, H, W) -> (C*H*W,)} in channels-first order (as PyTorch's {@code flatten} of an NCHW tensor). A
 * batch is already stored one sample per row, so the data is passed through unchanged: only the shape the
 * next layer sees changes (a dense layer needs a flat input). No parameters.
 */
public final class Flatten extends AbstractLayer {

    /** The layer a spec entry describes (it takes no keys of its own). */
    public static Flatten fromConfig(ConfigObject c) {
        return new Flatten();
    }

    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public int[] build(Backend backend, int[] inputShape, long seed, int layerIndex) {
        outputShape = outputShapeFor(inputShape);
        outputFeatures = outputShape[0];
        return outputShape.clone();
    }

    @Override
    public int[] outputShapeFor(int[] inputShape) {
        return new int[] {Shapes.product(inputShape)};
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext ctx) {
        requireBuilt();
        requireFeatures(x, outputFeatures, name());
        return x;
    }

    @Override
    public Map<String, Object> config() {
        return Map.of();
    }
}
