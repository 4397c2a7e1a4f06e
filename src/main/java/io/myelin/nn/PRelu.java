package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.config.ConfigObject;
import io.myelin.ops.PReluOp;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.LinkedHashMap;
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

    /** Reads a spec's prelu object: initial_slope (0.25 when absent). */
    public static PRelu fromConfig(ConfigObject c) {
        return new PRelu(c.float32("initial_slope", 0.25f));
    }

    @Override
    public String type() {
        return "prelu";
    }

    @Override
    public int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        features = inputFeatures;
        alpha = Scope.unscoped(() -> Parameter.trainable(name() + ".weight",
                Tensor.full(backend, initialSlope, 1, inputFeatures), inputFeatures));
        alpha.value().setRequiresGrad(trainable());
        return super.build(backend, inputFeatures, seed, layerIndex);
    }

    /** One slope per feature. */
    @Override
    public FlatSize flatSize(long inputFeatures) {
        return new FlatSize(inputFeatures, inputFeatures);
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
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_slope", initialSlope);
        c.put("trainable", trainable());
        return c;
    }
}
