package io.myelin.train.callbacks;

import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

import java.util.ArrayList;
import java.util.List;

/**
 * The LR range test (Smith 2015, "Cyclical Learning Rates for Training Neural Networks", section 3.3; as in
 * fastai's {@code lr_find}): the learning rate grows geometrically from {@code minLr} at the first step to
 * {@code maxLr} at step {@code steps}, one rate per step, and every step's loss is recorded with an
 * exponentially smoothed, bias-corrected copy ({@code avg = b*avg + (1-b)*loss}, {@code avg / (1 - b^t)},
 * b = {@value #BETA}). The sweep ends after {@code steps} steps, or earlier, normally, once the loss diverges:
 * NaN or infinite, or a smoothed loss above {@value #DIVERGENCE_FACTOR} times the best one.
 * {@link #suggestion()} is the rate where the smoothed loss falls steepest (per unit of log lr) before its
 * minimum.
 *
 * <pre>{@code
 * LearningRateRangeTest t = new LearningRateRangeTest(1e-6, 1, 100);
 * model.fit(train, FitConfig.builder().epochs(epochs).callback(t).build());   // epochs: at least 100 steps
 * double lr = t.suggestion();
 * }</pre>
 */
public final class LearningRateRangeTest implements Callback {
    /** Smoothing of the loss (fastai's default). */
    public static final double BETA = 0.98;
    /** A smoothed loss this many times the best one counts as diverged (fastai's and Smith's choice). */
    public static final double DIVERGENCE_FACTOR = 4;

    /** One step of the sweep: its number (from 1), rate, loss, and smoothed loss. */
    public record Point(int step, double lr, double loss, double smoothedLoss) {
    }

    private final double minLr;
    private final double maxLr;
    private final int steps;
    private final List<Point> curve = new ArrayList<>();
    private double average;
    private double best = Double.POSITIVE_INFINITY;
    private String stopReason;

    /**
     * @param steps the number of steps of the sweep (at least 2)
     */
    public LearningRateRangeTest(double minLr, double maxLr, int steps) {
        if (!(minLr > 0 && maxLr > minLr && Double.isFinite(maxLr) && steps >= 2)) {
            throw new IllegalArgumentException("the lr range test needs 0 < min lr < max lr and at least 2 steps, got min "
                    + minLr + ", max " + maxLr + ", " + steps + " steps");
        }
        this.minLr = minLr;
        this.maxLr = maxLr;
        this.steps = steps;
    }

    /** The rate of step {@code i} (from 0): {@code minLr * (maxLr/minLr)^(i/(steps-1))}. */
    public double lrAt(int i) {
        return i == steps - 1 ? maxLr : minLr * Math.pow(maxLr / minLr, i / (double) (steps - 1));
    }

    @Override
    public void onTrainBegin(TrainingState state) {
        state.wantStepLoss();
    }

    @Override
    public void onBatchBegin(TrainingState state, long step) {
        state.optimizer().setLearningRate((float) lrAt(curve.size()));
    }

    @Override
    public void onBatchEnd(TrainingState state, long step) {
        double loss = state.lastStepLoss();
        int t = curve.size() + 1;
        average = BETA * average + (1 - BETA) * loss;
        double smoothed = average / (1 - Math.pow(BETA, t));
        curve.add(new Point(t, lrAt(t - 1), loss, smoothed));
        if (Double.isFinite(smoothed)) {
            best = Math.min(best, smoothed);
        }
        if (!Double.isFinite(loss) || !Double.isFinite(smoothed)) {
            stopReason = "the loss became " + loss + " at step " + t;
        } else if (smoothed > DIVERGENCE_FACTOR * best) {
            stopReason = "the smoothed loss passed " + (int) DIVERGENCE_FACTOR + "x its minimum at step " + t;
        }
        if (stopReason != null || t == steps) {
            state.requestStop(stopReason != null ? "lr range test: " + stopReason : "lr range test: " + steps + " steps done");
        }
    }

    /** Every step run, in order. */
    public List<Point> curve() {
        return List.copyOf(curve);
    }

    /** Why the sweep ended before its last step (the loss diverged), or null when it ran every step. */
    public String divergence() {
        return stopReason;
    }

    /** The number of steps the sweep was planned with. */
    public int plannedSteps() {
        return steps;
    }

    /** The index in {@link #curve()} of the lowest smoothed loss, or -1 when no loss was finite. */
    public int minimumIndex() {
        int at = -1;
        for (int i = 0; i < curve.size(); i++) {
            double s = curve.get(i).smoothedLoss();
            if (Double.isFinite(s) && (at < 0 || s < curve.get(at).smoothedLoss())) {
                at = i;
            }
        }
        return at;
    }

    /**
     * The index of the suggested rate: the steepest descent of the smoothed loss against log lr (central
     * differences, one-sided at the ends) among the points up to its minimum; -1 when the loss never fell.
     */
    public int suggestionIndex() {
        int min = minimumIndex();
        int at = -1;
        double steepest = 0;
        for (int i = 0; i <= min; i++) {
            int a = Math.max(0, i - 1);
            int b = Math.min(min, i + 1);
            if (a == b) {
                continue;
            }
            Point pa = curve.get(a);
            Point pb = curve.get(b);
            double slope = (pb.smoothedLoss() - pa.smoothedLoss()) / (Math.log(pb.lr()) - Math.log(pa.lr()));
            if (slope < steepest) {
                steepest = slope;
                at = i;
            }
        }
        return at;
    }

    /** The suggested learning rate ({@link #suggestionIndex()}), or NaN when the loss never fell. */
    public double suggestion() {
        int i = suggestionIndex();
        return i < 0 ? Double.NaN : curve.get(i).lr();
    }
}
