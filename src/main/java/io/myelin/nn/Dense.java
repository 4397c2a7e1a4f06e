package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.config.ConfigObject;
import io.myelin.config.MemoryBudget;
import io.myelin.init.Initializer;
import io.myelin.ops.Linear;
import io.myelin.tensor.Tensor;

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
    /** The most elements one tensor holds (a Java array's limit). */
    private static final long MAX_TENSOR = Integer.MAX_VALUE - 8;

    private final int units;
    private final ActivationFunction activation;
    private final KernelAndBias weights = new KernelAndBias("dense");
    private int inputFeatures;

    public Dense(int units, ActivationFunction activation) {
        if (units <= 0) {
            throw new IllegalArgumentException("dense units must be positive, got " + units);
        }
        this.units = units;
        this.activation = activation;
    }

    public Dense(int units, String activation) {
        this(units, ActivationFunction.parse(activation));
    }

    public Dense(int units) {
        this(units, ActivationFunction.LINEAR);
    }

    /**
     * Reads a spec's dense object: units, activation and the kernel and bias keys (the layer registry reads
     * type, name and trainable).
     */
    public static Dense fromConfig(ConfigObject c) {
        int units = c.requiredInteger("units");
        Dense d = new Dense(units, ActivationFunction.fromConfig(c, "linear"));
        d.weights.read(c);
        return d;
    }

    public Dense useBias(boolean v) {
        weights.useBias(v);
        return this;
    }

    public Dense kernelInitializer(Initializer init) {
        weights.kernelInitializer(init);
        return this;
    }

    public Dense biasInitializer(Initializer init) {
        weights.biasInitializer(init);
        return this;
    }

    /** L1 and L2 penalties on the kernel: {@code l1*sum|W| + l2*sum W^2} added to the loss. */
    public Dense regularize(float l1, float l2) {
        weights.regularize(l1, l2);
        return this;
    }

    public int units() {
        return units;
    }

    public ActivationFunction activation() {
        return activation;
    }

    public Parameter weight() {
        return weights.kernel();
    }

    public Parameter bias() {
        return weights.bias();
    }

    @Override
    public String type() {
        return "dense";
    }

    /** {@code in*units} weights and {@code units} biases; more weights than one tensor holds are refused. */
    @Override
    public FlatSize flatSize(long inputFeatures) {
        long n = inputFeatures * units;
        if (n > MAX_TENSOR) {
            throw new IllegalArgumentException(MemoryBudget.count(inputFeatures) + " inputs x " + MemoryBudget.count(units)
                    + " units = " + MemoryBudget.count(n) + " weights, more than one tensor holds ("
                    + MemoryBudget.count(MAX_TENSOR) + ")");
        }
        return new FlatSize(n + units, units);
    }

    @Override
    public int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        if ((long) inputFeatures * units > MAX_TENSOR) {
            throw new IllegalArgumentException(name() + ": " + inputFeatures + " inputs x " + units + " units = "
                    + (long) inputFeatures * units + " weights, more than one tensor holds");
        }
        this.inputFeatures = inputFeatures;
        // W: (in, out) in memory, [out, in] in files
        weights.build(backend, name(), new KernelAndBias.KernelShape(inputFeatures, units, inputFeatures, units, true,
                units, inputFeatures), units, seed, layerIndex, trainable());
        outputFeatures = units;
        return units;
    }

    @Override
    public int[] build(Backend backend, int[] inputShape, long seed, int layerIndex) {
        outputShapeFor(inputShape);
        return super.build(backend, inputShape, seed, layerIndex);
    }

    /** {@code [units]}; an image input is refused, naming the fix. */
    @Override
    public int[] outputShapeFor(int[] inputShape) {
        if (inputShape.length != 1) {
            throw new IllegalArgumentException("dense needs a flat input, got " + Shapes.describe(inputShape)
                    + ": put a flatten (or global_avgpool2d) layer before it");
        }
        return new int[] {units};
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext ctx) {
        requireBuilt();
        requireFeatures(x, inputFeatures, name());
        Tensor z = Linear.forward(x, weights.kernel().value(), weights.biasValue());
        return activation.applyLast(z, ctx);
    }

    @Override
    public boolean endsWithSoftmax() {
        return activation.isSoftmax();
    }

    @Override
    public List<Parameter> parameters() {
        return weights.parameters();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("units", units);
        activation.writeConfig(c);
        weights.writeConfig(c);
        c.put("trainable", trainable());
        return c;
    }
}
