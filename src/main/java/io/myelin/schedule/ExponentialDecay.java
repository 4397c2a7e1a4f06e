package io.myelin.schedule;

/** {@code lr0 * e^(-k t)} with t the epoch, or the step when {@code perStep}. */
public record ExponentialDecay(float lr0, float k, boolean perStep) implements LearningRateSchedule {
    @Override
    public float lr(long step, int epoch) {
        return (float) (lr0 * Math.exp(-k * (perStep ? step : epoch)));
    }

    @Override
    public String describe() {
        return "exponential_decay(lr0=" + lr0 + ", k=" + k + (perStep ? ", per step" : "") + ")";
    }
}
