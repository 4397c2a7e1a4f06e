package io.myelin.schedule;

/** Scales another schedule linearly from 0 to 1 over the first {@code warmupSteps} steps. */
public record LinearWarmup(LearningRateSchedule inner, long warmupSteps) implements LearningRateSchedule {
    @Override
    public float lr(long step, int epoch) {
        float base = inner.lr(step, epoch);
        return step < warmupSteps ? base * (step + 1) / (float) warmupSteps : base;
    }

    @Override
    public float momentum(long step, int epoch) {
        return inner.momentum(step, epoch);
    }

    @Override
    public String describe() {
        return "warmup(" + warmupSteps + " steps, " + inner.describe() + ")";
    }
}
