package io.myelin.train.callbacks;

import io.myelin.nn.Dense;
import io.myelin.nn.Layer;
import io.myelin.nn.Parameter;
import io.myelin.train.Callback;
import io.myelin.train.TrainingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Every {@code every} steps, after backward: per-layer gradient L2 norm, the update/weight ratio
 * {@code lr*||g||/||w||} (the study notes' rule of thumb: around 1e-3 is healthy), and for ReLU Dense
 * layers the fraction of dead units — units whose bias gradient is exactly 0, i.e. that were inactive
 * for every sample of the batch. Logs a warning for vanishing ({@code norm < vanishing}) or exploding
 * ({@code norm > exploding}) gradients and for dying ReLUs (more than half the units dead).
 * Reads gradients back from the device, so keep {@code every} large on GPUs.
 */
public final class GradientHealthMonitor implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(GradientHealthMonitor.class);

    /** One layer's health at one step. */
    public record Report(long step, String layer, double gradNorm, double updateRatio, double deadFraction) {
    }

    private final int every;
    private final double vanishing;
    private final double exploding;
    private final List<Report> reports = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public GradientHealthMonitor(int every, double vanishing, double exploding) {
        if (every < 1) {
            throw new IllegalArgumentException("gradient monitor interval must be >= 1");
        }
        this.every = every;
        this.vanishing = vanishing;
        this.exploding = exploding;
    }

    public GradientHealthMonitor() {
        this(100, 1e-7, 1e3);
    }

    public List<Report> reports() {
        return reports;
    }

    public List<String> warnings() {
        return warnings;
    }

    @Override
    public void onGradients(TrainingState state, long step) {
        if (step % every != 0) {
            return;
        }
        float lr = state.optimizer().learningRate();
        for (Layer layer : state.model().layers()) {
            List<Parameter> ps = layer.parameters();
            if (ps.isEmpty() || !ps.get(0).value().hasGrad()) {
                continue;
            }
            double g2 = 0;
            double w2 = 0;
            for (Parameter p : ps) {
                if (!p.value().hasGrad()) {
                    continue;
                }
                for (float v : p.value().grad().toArray()) {
                    g2 += (double) v * v;
                }
                for (float v : p.value().toArray()) {
                    w2 += (double) v * v;
                }
            }
            double norm = Math.sqrt(g2);
            double ratio = w2 > 0 ? lr * norm / Math.sqrt(w2) : Double.NaN;
            double dead = Double.NaN;
            if (layer instanceof Dense d && d.activation().specName().equals("relu") && d.bias() != null
                    && d.bias().value().hasGrad()) {
                float[] gb = d.bias().value().grad().toArray();
                int zeros = 0;
                for (float v : gb) {
                    zeros += v == 0f ? 1 : 0;
                }
                dead = zeros / (double) gb.length;
            }
            Report r = new Report(step, layer.name(), norm, ratio, dead);
            reports.add(r);
            warn(r);
        }
    }

    private void warn(Report r) {
        String w = null;
        if (r.gradNorm() < vanishing) {
            w = String.format("vanishing gradient in %s at step %d: norm %.3g", r.layer(), r.step(), r.gradNorm());
        } else if (r.gradNorm() > exploding) {
            w = String.format("exploding gradient in %s at step %d: norm %.3g", r.layer(), r.step(), r.gradNorm());
        } else if (r.deadFraction() > 0.5) {
            w = String.format("dying ReLU in %s at step %d: %.0f%% of units inactive for the whole batch",
                    r.layer(), r.step(), 100 * r.deadFraction());
        }
        if (w != null) {
            warnings.add(w);
            LOG.warn(w);
        }
    }
}
