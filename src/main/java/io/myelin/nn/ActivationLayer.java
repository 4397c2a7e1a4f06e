package io.myelin.nn;

import io.myelin.config.ConfigObject;
import io.myelin.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An activation as its own layer (spec type {@code activation}): applies an {@link ActivationFunction} and
 * keeps the shape. No parameters. {@code new ActivationLayer("relu")}.
 */
public final class ActivationLayer extends AbstractLayer {
    private final ActivationFunction activation;

    public ActivationLayer(ActivationFunction activation) {
        this.activation = activation;
    }

    public ActivationLayer(String name) {
        this(ActivationFunction.parse(name));
    }

    /** Reads a spec's activation object: activation (linear when absent) and activation_param. */
    public static ActivationLayer fromConfig(ConfigObject c) {
        return new ActivationLayer(ActivationFunction.fromConfig(c, null));
    }

    public ActivationFunction activation() {
        return activation;
    }

    @Override
    public String type() {
        return "activation";
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext ctx) {
        return activation.applyLast(x, ctx);
    }

    @Override
    public boolean endsWithSoftmax() {
        return activation.isSoftmax();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        activation.writeConfig(c);
        return c;
    }
}
