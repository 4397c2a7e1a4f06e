package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.config.ConfigObject;
import io.myelin.ops.BatchNormOp;
import io.myelin.ops.ChannelLayout;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization (Keras defaults: momentum 0.99, epsilon 1e-3). Training normalizes with the batch
 * mean and biased variance and updates {@code r = momentum*r + (1-momentum)*stat}; inference uses the
 * running statistics. {@link #pytorchDefaults()} gives PyTorch's convention (momentum 0.9 here = 0.1 there,
 * eps 1e-5, unbiased running variance). On image inputs {@code (C, H, W)} it normalizes each channel over
 * the batch and every position ({@code n*H*W} values), as PyTorch's {@code BatchNorm2d}: parameters
 * and running statistics are per channel.
 */
public final class BatchNormalization extends AbstractLayer {
    private final float momentum;
    private final float epsilon;
    private final boolean center;
    private final boolean scale;
    private final boolean unbiasedRunningVar;
    private int features;
    /** H*W for image inputs (statistics per channel over n*H*W values), 1 for flat ones. */
    private int positions = 1;
    private Parameter gamma;
    private Parameter beta;
    private Parameter runningMean;
    private Parameter runningVar;

    public BatchNormalization(float momentum, float epsilon, boolean center, boolean scale, boolean unbiasedRunningVar) {
        if (!(momentum >= 0f && momentum < 1f)) {
            throw new IllegalArgumentException("batchnorm momentum must be in [0, 1), got " + momentum);
        }
        if (!(epsilon > 0f)) {
            throw new IllegalArgumentException("batchnorm epsilon must be > 0, got " + epsilon);
        }
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
        this.unbiasedRunningVar = unbiasedRunningVar;
    }

    public BatchNormalization() {
        this(0.99f, 1e-3f, true, true, false);
    }

    /** Reads a spec's batchnorm object: momentum, epsilon, center, scale, unbiased_running_var (Keras defaults). */
    public static BatchNormalization fromConfig(ConfigObject c) {
        return new BatchNormalization(c.float32("momentum", 0.99f), c.float32("epsilon", 1e-3f), c.bool("center", true),
                c.bool("scale", true), c.bool("unbiased_running_var", false));
    }

    public static BatchNormalization pytorchDefaults() {
        return new BatchNormalization(0.9f, 1e-5f, true, true, true);
    }

    @Override
    public String type() {
        return "batchnorm";
    }

    @Override
    public int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        features = inputFeatures;
        int n = inputFeatures;
        Scope.unscoped(() -> {
            gamma = Parameter.trainable(name() + ".weight", Tensor.full(backend, 1f, 1, n), n);
            beta = Parameter.trainable(name() + ".bias", Tensor.full(backend, 0f, 1, n), n);
            runningMean = Parameter.buffer(name() + ".running_mean", Tensor.full(backend, 0f, 1, n), n);
            runningVar = Parameter.buffer(name() + ".running_var", Tensor.full(backend, 1f, 1, n), n);
            return null;
        });
        gamma.value().setRequiresGrad(scale && trainable());
        beta.value().setRequiresGrad(center && trainable());
        return super.build(backend, inputFeatures, seed, layerIndex);
    }

    /** gamma, beta and the two running statistics, one of each per feature. */
    @Override
    public FlatSize flatSize(long inputFeatures) {
        return new FlatSize(4 * inputFeatures, inputFeatures);
    }

    @Override
    public int[] build(Backend backend, int[] inputShape, long seed, int layerIndex) {
        if (inputShape.length != 3) {
            return super.build(backend, inputShape, seed, layerIndex);
        }
        build(backend, inputShape[0], seed, layerIndex);
        positions = inputShape[1] * inputShape[2];
        outputShape = inputShape.clone();
        outputFeatures = Shapes.product(inputShape);
        return inputShape.clone();
    }

    @Override
    public void setTrainable(boolean trainable) {
        super.setTrainable(trainable);
        if (gamma != null) {
            gamma.value().setRequiresGrad(scale && trainable);
            beta.value().setRequiresGrad(center && trainable);
        }
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext ctx) {
        requireBuilt();
        requireFeatures(x, features * positions, name());
        if (positions > 1) {
            Tensor last = ChannelLayout.toChannelsLast(x, features, positions);
            return ChannelLayout.toChannelsFirst(normalize(last, ctx), features, positions);
        }
        return normalize(x, ctx);
    }

    private Tensor normalize(Tensor x, ForwardContext ctx) {
        if (ctx.training()) {
            return BatchNormOp.train(x, gamma.value(), beta.value(), runningMean.value(), runningVar.value(),
                    momentum, epsilon, unbiasedRunningVar);
        }
        return BatchNormOp.infer(x, gamma.value(), beta.value(), runningMean.value(), runningVar.value(), epsilon);
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>(2);
        if (gamma != null) {
            out.add(gamma);
            out.add(beta);
        }
        return out;
    }

    @Override
    public List<Parameter> buffers() {
        return runningMean == null ? List.of() : List.of(runningMean, runningVar);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("momentum", momentum);
        c.put("epsilon", epsilon);
        c.put("center", center);
        c.put("scale", scale);
        c.put("unbiased_running_var", unbiasedRunningVar);
        c.put("trainable", trainable());
        return c;
    }
}
