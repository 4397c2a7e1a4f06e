package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.init.Initializer;
import io.myelin.ops.Linear;
import io.myelin.random.SeededRandom;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fully connected layer {@code y = act(x·W + b)} with W stored {@code (in, out)} (model files use PyTorch's
 * {@code [out, in]}). Default kernel init Glorot uniform, bias zeros; optional L1/L2 on the kernel.
 *
 * <pre>{@code
 * Dense hidden = new Dense(256, "relu");
 * }</pre>
 */
public final class Dense extends AbstractLayer {
    private final int units;
    private final ActivationFn activation;
    private boolean useBias = true;
    private Initializer kernelInit = Initializer.of(Initializer.Kind.GLOROT_UNIFORM);
    private Initializer biasInit = Initializer.of(Initializer.Kind.ZEROS);
    private float l1;
    private float l2;
    private int inputFeatures;
    private Parameter weight;
    private Parameter bias;

    public Dense(int units, ActivationFn activation) {
        if (units <= 0) {
            throw new IllegalArgumentException("dense units must be positive, got " + units);
        }
        this.units = units;
        this.activation = activation;
    }

    public Dense(int units, String activation) {
        this(units, ActivationFn.parse(activation));
    }

    public Dense(int units) {
        this(units, ActivationFn.LINEAR);
    }

    public Dense useBias(boolean v) {
        this.useBias = v;
        return this;
    }

    public Dense kernelInitializer(Initializer init) {
        this.kernelInit = init;
        return this;
    }

    public Dense biasInitializer(Initializer init) {
        this.biasInit = init;
        return this;
    }

    /** L1 and L2 penalties on the kernel: {@code l1*sum|W| + l2*sum W^2} added to the loss. */
    public Dense regularize(float l1, float l2) {
        if (l1 < 0 || l2 < 0 || !Float.isFinite(l1) || !Float.isFinite(l2)) {
            throw new IllegalArgumentException("dense l1/l2 must be finite and >= 0, got l1=" + l1 + " l2=" + l2);
        }
        this.l1 = l1;
        this.l2 = l2;
        if (weight != null) {
            weight.setRegularization(l1, l2);
        }
        return this;
    }

    public int units() {
        return units;
    }

    public ActivationFn activation() {
        return activation;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public String type() {
        return "dense";
    }

    @Override
    public int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        this.inputFeatures = inputFeatures;
        float[] w = kernelInit.sample(inputFeatures, units, inputFeatures * units, new SeededRandom(seed, 2 * layerIndex));
        weight = Scope.unscoped(() -> new Parameter(name() + ".weight", Tensor.of(backend, w, inputFeatures, units),
                false, true, new int[] {units, inputFeatures}));
        weight.setRegularization(l1, l2);
        weight.value().setRequiresGrad(trainable());
        if (useBias) {
            float[] b = biasInit.sample(inputFeatures, units, units, new SeededRandom(seed, 2 * layerIndex + 1));
            bias = Scope.unscoped(() -> new Parameter(name() + ".bias", Tensor.of(backend, b, 1, units),
                    false, false, new int[] {units}));
            bias.value().setRequiresGrad(trainable());
        }
        outputFeatures = units;
        return units;
    }

    @Override
    public int[] build(Backend backend, int[] inputShape, long seed, int layerIndex) {
        if (inputShape.length != 1) {
            throw new IllegalArgumentException("dense needs a flat input, got " + Shapes.describe(inputShape)
                    + ": put a flatten (or global_avgpool2d) layer before it");
        }
        return super.build(backend, inputShape, seed, layerIndex);
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext ctx) {
        requireBuilt();
        requireFeatures(x, inputFeatures, name());
        Tensor z = Linear.forward(x, weight.value(), bias == null ? null : bias.value());
        if (activation.isSoftmax() && ctx.skipFinalSoftmax()) {
            return z;
        }
        return activation.apply(z);
    }

    @Override
    public boolean endsWithSoftmax() {
        return activation.isSoftmax();
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>(2);
        if (weight != null) {
            out.add(weight);
        }
        if (bias != null) {
            out.add(bias);
        }
        return out;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("units", units);
        c.put("activation", activation.specName());
        if (!activation.isSoftmax() && activation.param() != activation.pointwise().defaultParam()) {
            c.put("activation_param", activation.param());
        }
        c.put("use_bias", useBias);
        c.put("kernel_initializer", kernelInit.specName());
        c.put("bias_initializer", biasInit.specName());
        c.put("l1", l1);
        c.put("l2", l2);
        c.put("trainable", trainable());
        return c;
    }
}
