package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.backend.ConvGeometry;
import io.myelin.config.ConfigObject;
import io.myelin.init.Initializer;
import io.myelin.ops.Conv2dOp;
import io.myelin.random.SeededRandom;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 2-D convolution over channels-first images, {@code y = act(conv(x, W) + b)}, as Keras {@code Conv2D} and
 * PyTorch {@code Conv2d}: input {@code (C, H, W)}, output {@code (filters, OH, OW)}. The kernel is stored
 * {@code [filters, C, kh, kw]} (PyTorch's layout, here and in model files), initialized Glorot uniform with
 * fan-in {@code C*kh*kw} and fan-out {@code filters*kh*kw}; bias zeros. Padding {@code "valid"} (none) or
 * {@code "same"} (output {@code ceil(in / stride)}). Optional L1/L2 on the kernel.
 *
 * <pre>{@code
 * model.add(new Conv2D(32, 3, "relu").padding(true));
 * }</pre>
 */
public final class Conv2D extends AbstractLayer {
    private final int filters;
    private final int kernelH;
    private final int kernelW;
    private final ActivationFn activation;
    private int strideH = 1;
    private int strideW = 1;
    private boolean same;
    private boolean useBias = true;
    private Initializer kernelInit = Initializer.of(Initializer.Kind.GLOROT_UNIFORM);
    private Initializer biasInit = Initializer.of(Initializer.Kind.ZEROS);
    private float l1;
    private float l2;
    private ConvGeometry geometry;
    private Parameter weight;
    private Parameter bias;

    public Conv2D(int filters, int kernelH, int kernelW, ActivationFn activation) {
        if (filters <= 0 || kernelH <= 0 || kernelW <= 0) {
            throw new IllegalArgumentException("conv2d filters and kernel_size must be positive, got filters="
                    + filters + " kernel_size=" + kernelH + "x" + kernelW);
        }
        this.filters = filters;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.activation = activation;
    }

    /** A square kernel. */
    public Conv2D(int filters, int kernelSize, String activation) {
        this(filters, kernelSize, kernelSize, ActivationFn.parse(activation));
    }

    /** Reads a spec's conv2d object (the model spec has read its type, name and trainable). */
    public static Conv2D fromConfig(ConfigObject c) {
        int filters = c.requiredInteger("filters");
        int[] k = c.positiveIntPair("kernel_size", null);
        if (k == null) {
            throw c.missing("kernel_size", ", e.g. 3 or [3, 3]");
        }
        Conv2D conv = new Conv2D(filters, k[0], k[1], ActivationFn.fromConfig(c, "linear"));
        int[] s = c.positiveIntPair("strides", new int[] {1, 1});
        conv.strides(s[0], s[1]).padding(samePadding(c)).useBias(c.bool("use_bias", true));
        Initializer kernel = Initializer.fromConfig(c, "kernel_initializer");
        if (kernel != null) {
            conv.kernelInitializer(kernel);
        }
        Initializer bias = Initializer.fromConfig(c, "bias_initializer");
        if (bias != null) {
            conv.biasInitializer(bias);
        }
        conv.regularize(c.float32("l1", 0f), c.float32("l2", 0f));
        return conv;
    }

    /** {@code "padding"}: {@code "valid"} (the default, false) or {@code "same"} (true). */
    static boolean samePadding(ConfigObject c) {
        return "same".equals(c.choice("padding", "valid", List.of("valid", "same"), "padding"));
    }

    public Conv2D strides(int h, int w) {
        if (h <= 0 || w <= 0) {
            throw new IllegalArgumentException("conv2d strides must be positive, got " + h + "x" + w);
        }
        strideH = h;
        strideW = w;
        return this;
    }

    /** True for {@code "same"} padding, false for {@code "valid"} (the default). */
    public Conv2D padding(boolean same) {
        this.same = same;
        return this;
    }

    public Conv2D useBias(boolean v) {
        this.useBias = v;
        return this;
    }

    public Conv2D kernelInitializer(Initializer init) {
        this.kernelInit = init;
        return this;
    }

    public Conv2D biasInitializer(Initializer init) {
        this.biasInit = init;
        return this;
    }

    /** L1 and L2 penalties on the kernel: {@code l1*sum|W| + l2*sum W^2} added to the loss. */
    public Conv2D regularize(float l1, float l2) {
        if (l1 < 0 || l2 < 0 || !Float.isFinite(l1) || !Float.isFinite(l2)) {
            throw new IllegalArgumentException("conv2d l1/l2 must be finite and >= 0, got l1=" + l1 + " l2=" + l2);
        }
        this.l1 = l1;
        this.l2 = l2;
        if (weight != null) {
            weight.setRegularization(l1, l2);
        }
        return this;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    /** The window geometry once built. */
    public ConvGeometry geometry() {
        return geometry;
    }

    @Override
    public String type() {
        return "conv2d";
    }

    @Override
    public int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        throw new IllegalArgumentException("conv2d needs a (C, H, W) input, got (" + inputFeatures + ",)");
    }

    @Override
    public int[] build(Backend backend, int[] inputShape, long seed, int layerIndex) {
        requireImage(inputShape, "conv2d");
        geometry = ConvGeometry.of(inputShape[0], inputShape[1], inputShape[2], kernelH, kernelW, strideH, strideW,
                same);
        int patch = geometry.patchSize();
        int fanOut = filters * kernelH * kernelW;
        float[] w = kernelInit.sample(patch, fanOut, filters * patch, new SeededRandom(seed, 2 * layerIndex));
        weight = Scope.unscoped(() -> new Parameter(name() + ".weight", Tensor.of(backend, w, filters, patch),
                false, false, new int[] {filters, inputShape[0], kernelH, kernelW}));
        weight.setRegularization(l1, l2);
        weight.value().setRequiresGrad(trainable());
        if (useBias) {
            float[] b = biasInit.sample(patch, fanOut, filters, new SeededRandom(seed, 2 * layerIndex + 1));
            bias = Scope.unscoped(() -> new Parameter(name() + ".bias", Tensor.of(backend, b, 1, filters),
                    false, false, new int[] {filters}));
            bias.value().setRequiresGrad(trainable());
        }
        outputShape = new int[] {filters, geometry.outHeight(), geometry.outWidth()};
        outputFeatures = Shapes.product(outputShape);
        return outputShape.clone();
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext ctx) {
        requireBuilt();
        requireFeatures(x, geometry.inputSize(), name());
        Tensor z = Conv2dOp.forward(geometry, x, weight.value(), bias == null ? null : bias.value());
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
        c.put("filters", filters);
        c.put("kernel_size", List.of(kernelH, kernelW));
        c.put("strides", List.of(strideH, strideW));
        c.put("padding", same ? "same" : "valid");
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
