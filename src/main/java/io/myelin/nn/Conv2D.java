package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.backend.ConvGeometry;
import io.myelin.config.ConfigObject;
import io.myelin.init.Initializer;
import io.myelin.ops.Conv2dOp;
import io.myelin.tensor.Tensor;

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
public final class Conv2D extends ImageLayer {
    private final int filters;
    private final int kernelH;
    private final int kernelW;
    private final ActivationFunction activation;
    private int strideH = 1;
    private int strideW = 1;
    private boolean same;
    private final KernelAndBias weights = new KernelAndBias("conv2d");
    private ConvGeometry geometry;

    public Conv2D(int filters, int kernelH, int kernelW, ActivationFunction activation) {
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
        this(filters, kernelSize, kernelSize, ActivationFunction.parse(activation));
    }

    /**
     * Reads a spec's conv2d object: filters, kernel_size, activation, strides, padding and the kernel and bias
     * keys (the layer registry reads type, name and trainable).
     */
    public static Conv2D fromConfig(ConfigObject c) {
        int filters = c.requiredInteger("filters");
        int[] k = c.positiveIntPair("kernel_size", null);
        if (k == null) {
            throw c.missing("kernel_size", ", e.g. 3 or [3, 3]");
        }
        Conv2D conv = new Conv2D(filters, k[0], k[1], ActivationFunction.fromConfig(c, "linear"));
        int[] s = c.positiveIntPair("strides", new int[] {1, 1});
        conv.strides(s[0], s[1]).padding(samePadding(c));
        conv.weights.read(c);
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
        weights.useBias(v);
        return this;
    }

    public Conv2D kernelInitializer(Initializer init) {
        weights.kernelInitializer(init);
        return this;
    }

    public Conv2D biasInitializer(Initializer init) {
        weights.biasInitializer(init);
        return this;
    }

    /** L1 and L2 penalties on the kernel: {@code l1*sum|W| + l2*sum W^2} added to the loss. */
    public Conv2D regularize(float l1, float l2) {
        weights.regularize(l1, l2);
        return this;
    }

    public Parameter weight() {
        return weights.kernel();
    }

    public Parameter bias() {
        return weights.bias();
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
    protected int[] buildImage(Backend backend, int[] inputShape, long seed, int layerIndex) {
        geometry = geometryFor(inputShape);
        int patch = geometry.patchSize();
        // w: (filters, C*kh*kw) in memory, [filters, C, kh, kw] in files; fans as PyTorch's Conv2d
        KernelAndBias.KernelShape kernel = new KernelAndBias.KernelShape(filters, patch, patch,
                filters * kernelH * kernelW, false, filters, inputShape[0], kernelH, kernelW);
        weights.build(backend, name(), kernel, filters, seed, layerIndex, trainable());
        return new int[] {filters, geometry.outHeight(), geometry.outWidth()};
    }

    @Override
    protected int[] imageOutputShape(int[] inputShape) {
        ConvGeometry g = geometryFor(inputShape);
        return new int[] {filters, g.outHeight(), g.outWidth()};
    }

    private ConvGeometry geometryFor(int[] inputShape) {
        return ConvGeometry.of(inputShape[0], inputShape[1], inputShape[2], kernelH, kernelW, strideH, strideW, same);
    }

    @Override
    protected Tensor forwardImage(Tensor x, ForwardContext ctx) {
        Tensor z = Conv2dOp.forward(geometry, x, weights.kernel().value(), weights.biasValue());
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
        c.put("filters", filters);
        c.put("kernel_size", List.of(kernelH, kernelW));
        c.put("strides", List.of(strideH, strideW));
        c.put("padding", same ? "same" : "valid");
        activation.writeConfig(c);
        weights.writeConfig(c);
        c.put("trainable", trainable());
        return c;
    }
}
