package io.myelin.nn;

import io.myelin.backend.Backend;
import io.myelin.config.ConfigObject;
import io.myelin.ops.DropoutOp;
import io.myelin.tensor.Tensor;

import java.util.Map;

/**
 * Inverted dropout with rate p: in training each unit is kept with probability 1-p and scaled by 1/(1-p);
 * identity at inference. The mask comes from Philox keyed by (model seed, layer index, step), identical on
 * every backend. {@code new Dropout(0.2f)}.
 */
public final class Dropout extends AbstractLayer {
    private final float rate;
    private int stream;

    public Dropout(float rate) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    /** Reads a spec's dropout object: rate (0.5 when absent). */
    public static Dropout fromConfig(ConfigObject c) {
        return new Dropout(c.float32("rate", 0.5f));
    }

    public float rate() {
        return rate;
    }

    @Override
    public String type() {
        return "dropout";
    }

    @Override
    public int build(Backend backend, int inputFeatures, long seed, int layerIndex) {
        stream = layerIndex;
        return super.build(backend, inputFeatures, seed, layerIndex);
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext ctx) {
        if (!ctx.dropoutActive()) {
            return x;
        }
        return DropoutOp.forward(x, rate, ctx.seed(), stream, ctx.step());
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("rate", rate);
    }
}
