package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.ops.PReluOp;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.List;
import java.util.Map;

/** Parametric ReLU: {@code y = x > 0 ? x : a_j x}, one trainable slope per feature, initialized to 0.25. */
public final class PRelu extends AbstractLayer {
    private final float initialSlope;
    private int features;
    private Parameter alpha;

    public PRelu(float initialSlope) {
        this.initialSlope = initialSlope;
    }

    public PRelu() {
        this(0.25f);
    }

    @Override
    public String type() {
        return "prelu";
    }

    @Override
    public int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        features = inputFeatures;
        alpha = Scope.unscoped(() -> new Parameter(name() + ".weight", Tensor.full(backend, initialSlope, 1, inputFeatures),
                false, false, new int[] {inputFeatures}));
        alpha.value().setRequiresGrad(trainable());
        outputFeatures = inputFeatures;
        return inputFeatures;
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext ctx) {
        requireBuilt();
        requireFeatures(x, features, name());
        return PReluOp.forward(x, alpha.value());
    }

    @Override
    public List<Parameter> parameters() {
        return alpha == null ? List.of() : List.of(alpha);
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("initial_slope", initialSlope, "trainable", trainable());
    }
}
