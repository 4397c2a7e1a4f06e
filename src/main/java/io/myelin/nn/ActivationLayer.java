package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An activation as its own layer: {@code new ActivationLayer("relu")}. No parameters. */
public final class ActivationLayer extends AbstractLayer {
    private final ActivationFn activation;

    public ActivationLayer(ActivationFn activation) {
        this.activation = activation;
    }

    public ActivationLayer(String name) {
        this(ActivationFn.parse(name));
    }

    public ActivationFn activation() {
        return activation;
    }

    @Override
    public String type() {
        return "activation";
    }

    @Override
    public int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        outputFeatures = inputFeatures;
        return inputFeatures;
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext ctx) {
        if (activation.isSoftmax() && ctx.skipFinalSoftmax()) {
            return x;
        }
        return activation.apply(x);
    }

    @Override
    public boolean endsWithSoftmax() {
        return activation.isSoftmax();
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("activation", activation.specName());
        if (!activation.isSoftmax() && activation.param() != activation.pointwise().defaultParam()) {
            c.put("activation_param", activation.param());
        }
        return c;
    }
}
