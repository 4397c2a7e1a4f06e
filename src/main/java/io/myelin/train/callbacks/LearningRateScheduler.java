package io.myelin.train.callbacks;

import io.myelin.schedule.LearningRateSchedule;
import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

/** Sets the optimizer's learning rate (and momentum, for 1cycle) from a schedule before every step. */
public final class LearningRateScheduler implements Callback {
    private final LearningRateSchedule schedule;

    public LearningRateScheduler(LearningRateSchedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public void onBatchBegin(TrainingState state, long step) {
        state.optimizer().setLearningRate(schedule.lr(step, state.epoch()));
        float mu = schedule.momentum(step, state.epoch());
        if (!Float.isNaN(mu)) {
            state.optimizer().setMomentum(mu);
        }
    }
}
