package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.config.ConfigObject;
import io.myelin.init.Initializer;
import io.myelin.random.SeededRandom;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The kernel and optional bias of a layer that has both ({@link Dense}, {@link Conv2D}): their initializers
 * (Glorot uniform and zeros by default), L1/L2 on the kernel, the spec keys that set them, and the two
 * parameters once built. The layer says only how its kernel is shaped ({@link KernelShape}).
 */
final class KernelAndBias {
    private final String layerType;
    private boolean useBias = true;
    private Initializer kernelInit = Initializer.of(Initializer.Kind.GLOROT_UNIFORM);
    private Initializer biasInit = Initializer.of(Initializer.Kind.ZEROS);
    private float l1;
    private float l2;
    private Parameter kernel;
    private Parameter bias;

    /**
     * How a kernel is stored and initialized.
     *
     * @param rows              rows in memory
     * @param cols              columns in memory
     * @param fanIn             the initializer's fan-in
     * @param fanOut            the initializer's fan-out
     * @param transposedInFiles whether model files hold the transpose of {@code (rows, cols)} (Dense, PyTorch layout)
     * @param fileShape         the shape in model files
     */
    record KernelShape(int rows, int cols, int fanIn, int fanOut, boolean transposedInFiles, int... fileShape) {
    }

    /** @param layerType the spec type, for messages ({@code "dense l1/l2 must be ..."}) */
    KernelAndBias(String layerType) {
        this.layerType = layerType;
    }

    void useBias(boolean v) {
        this.useBias = v;
    }

    void kernelInitializer(Initializer init) {
        this.kernelInit = init;
    }

    void biasInitializer(Initializer init) {
        this.biasInit = init;
    }

    /** L1 and L2 penalties on the kernel: {@code l1*sum|W| + l2*sum W^2} added to the loss. */
    void regularize(float l1, float l2) {
        if (l1 < 0 || l2 < 0 || !Float.isFinite(l1) || !Float.isFinite(l2)) {
            throw new IllegalArgumentException(layerType + " l1/l2 must be finite and >= 0, got l1=" + l1 + " l2=" + l2);
        }
        this.l1 = l1;
        this.l2 = l2;
        if (kernel != null) {
            kernel.setRegularization(l1, l2);
        }
    }

    /**
     * Reads, in this order, {@code use_bias}, {@code kernel_initializer} (with {@code kernel_initializer_params}),
     * {@code bias_initializer} (with its params), {@code l1} and {@code l2} of a layer's spec object.
     */
    void read(ConfigObject c) {
        useBias(c.bool("use_bias", true));
        Initializer k = Initializer.fromConfig(c, "kernel_initializer");
        if (k != null) {
            kernelInitializer(k);
        }
        Initializer b = Initializer.fromConfig(c, "bias_initializer");
        if (b != null) {
            biasInitializer(b);
        }
        regularize(c.float32("l1", 0f), c.float32("l2", 0f));
    }

    /** Writes the keys {@link #read} reads (initializers by name) into a layer's config. */
    void writeConfig(Map<String, Object> c) {
        c.put("use_bias", useBias);
        c.put("kernel_initializer", kernelInit.specName());
        c.put("bias_initializer", biasInit.specName());
        c.put("l1", l1);
        c.put("l2", l2);
    }

    /**
     * Draws and allocates {@code <layer>.weight}, from the random stream {@code 2*layerIndex}, and, when used,
     * {@code <layer>.bias} {@code (1, biasLength)}, from {@code 2*layerIndex+1}, so a seed gives the same weights
     * whatever the other layers are.
     */
    void build(Backend backend, String layerName, KernelShape shape, int biasLength, long seed, int layerIndex,
               boolean trainable) {
        float[] w = kernelInit.sample(shape.fanIn(), shape.fanOut(), shape.rows() * shape.cols(),
                new SeededRandom(seed, 2 * layerIndex));
        kernel = Scope.unscoped(() -> {
            Tensor t = Tensor.of(backend, w, shape.rows(), shape.cols());
            return shape.transposedInFiles()
                    ? Parameter.trainableTransposedInFiles(layerName + ".weight", t, shape.fileShape())
                    : Parameter.trainable(layerName + ".weight", t, shape.fileShape());
        });
        kernel.setRegularization(l1, l2);
        kernel.value().setRequiresGrad(trainable);
        if (useBias) {
            float[] b = biasInit.sample(shape.fanIn(), shape.fanOut(), biasLength,
                    new SeededRandom(seed, 2 * layerIndex + 1));
            bias = Scope.unscoped(() -> Parameter.trainable(layerName + ".bias", Tensor.of(backend, b, 1, biasLength),
                    biasLength));
            bias.value().setRequiresGrad(trainable);
        }
    }

    /** The kernel once built, else null. */
    Parameter kernel() {
        return kernel;
    }

    /** The bias once built, null before or without one. */
    Parameter bias() {
        return bias;
    }

    Tensor biasValue() {
        return bias == null ? null : bias.value();
    }

    /** The kernel and the bias, those that exist. */
    List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>(2);
        if (kernel != null) {
            out.add(kernel);
        }
        if (bias != null) {
            out.add(bias);
        }
        return out;
    }
}
