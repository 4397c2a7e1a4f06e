package io.myelin.train;

import io.myelin.optim.Optimizer;

/** What callbacks see of a running {@link Sequential#fit}: the model, its optimizer, progress, and a stop flag. */
public final class TrainingState {
    private final Sequential model;
    private final int epochs;
    private final long stepsPerEpoch;
    private String stopReason;
    private int epoch;
    private long step;
    private double lastProgressLoss = Double.NaN;
    private double lastStepLoss = Double.NaN;
    private boolean stepLossWanted;

    TrainingState(Sequential model, int epochs, long stepsPerEpoch) {
        this.model = model;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    public Sequential model() {
        return model;
    }

    public Optimizer optimizer() {
        return model.optimizer();
    }

    public int epochs() {
        return epochs;
    }

    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public int epoch() {
        return epoch;
    }

    /** Global step (0-based) of the batch in progress. */
    public long step() {
        return step;
    }

    void setPosition(int epoch, long step) {
        this.epoch = epoch;
        this.step = step;
    }

    /** Mean training loss so far in this epoch, as of the last progress tick (NaN before the first). */
    public double runningLoss() {
        return lastProgressLoss;
    }

    void setRunningLoss(double v) {
        lastProgressLoss = v;
    }

    /** Loss of the last step, when the loop reads it every step (CPU, or when {@link #wantStepLoss()} was called). */
    public double lastStepLoss() {
        return lastStepLoss;
    }

    void setLastStepLoss(double v) {
        lastStepLoss = v;
    }

    /**
     * Asks the loop to read every step's loss (one device sync per step; used by the LR range test). The
     * callback then owns divergence: a non-finite loss does not end the run with a
     * {@link TrainingDivergedException}, the callback sees it in {@code onBatchEnd} and stops.
     */
    public void wantStepLoss() {
        stepLossWanted = true;
    }

    boolean stepLossWanted() {
        return stepLossWanted;
    }

    /**
     * Ends training: asked in {@code onBatchEnd}, right after that step (the unfinished epoch is not recorded in
     * the history); asked in {@code onEpochEnd}, after that epoch.
     */
    public void requestStop(String reason) {
        this.stopReason = reason;
    }

    public boolean stopRequested() {
        return stopReason != null;
    }

    public String stopReason() {
        return stopReason;
    }
}
