package io.myelin.schedule;

/** The same learning rate every step. */
public record Constant(float lr0) implements LearningRateSchedule {
    @Override
    public float lr(long step, int epoch) {
        return lr0;
    }

    @Override
    public String describe() {
        return "constant(" + lr0 + ")";
    }
}
