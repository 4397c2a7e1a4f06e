package io.myelin.train.callbacks;

import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

import java.util.ArrayList;
import java.util.List;

/**
 * The LR range test (Smith 2015): the learning rate grows exponentially from {@code minLr} to {@code maxLr}
 * over {@code steps} steps while the loss of every step is recorded; the run stops early once the loss
 * exceeds 4x its best. {@link #suggestion()} is the rate where the smoothed loss fell steepest.
 */
public final class LearningRateRangeTest implements Callback {
    private final double minLr;
    private final double maxLr;
    private final long steps;
    private final List<double[]> curve = new ArrayList<>();
    private double best = Double.POSITIVE_INFINITY;
    private double smoothed = Double.NaN;
    private long seen;

    public LearningRateRangeTest(double minLr, double maxLr, long steps) {
        if (!(minLr > 0 && maxLr > minLr && steps >= 2)) {
            throw new IllegalArgumentException("lr range test needs 0 < min_lr < max_lr and steps >= 2");
        }
        this.minLr = minLr;
        this.maxLr = maxLr;
        this.steps = steps;
    }

    private double lrAt(long i) {
        return minLr * Math.pow(maxLr / minLr, i / (double) (steps - 1));
    }

    @Override
    public void onTrainBegin(TrainingState state) {
        state.wantStepLoss();
    }

    @Override
    public void onBatchBegin(TrainingState state, long step) {
        state.optimizer().setLearningRate((float) lrAt(seen));
    }

    @Override
    public void onBatchEnd(TrainingState state, long step) {
        double loss = state.lastStepLoss();
        double lr = lrAt(seen);
        seen++;
        smoothed = Double.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
        double debiased = smoothed;
        curve.add(new double[] {lr, loss, debiased});
        if (Double.isFinite(debiased)) {
            best = Math.min(best, debiased);
        }
        if (seen >= steps || !Double.isFinite(loss) || debiased > 4 * best) {
            state.requestStop("lr range test finished after " + seen + " steps");
        }
    }

    /** Rows of {lr, loss, smoothed loss}. */
    public List<double[]> curve() {
        return curve;
    }

    /** The learning rate at the steepest descent of the smoothed loss (per log-lr), or NaN if too short. */
    public double suggestion() {
        double bestSlope = 0;
        double lr = Double.NaN;
        for (int i = 1; i < curve.size(); i++) {
            double[] a = curve.get(i - 1);
            double[] b = curve.get(i);
            double slope = (b[2] - a[2]) / (Math.log(b[0]) - Math.log(a[0]));
            if (Double.isFinite(slope) && slope < bestSlope) {
                bestSlope = slope;
                lr = b[0];
            }
        }
        return lr;
    }
}
