package io.myelin.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Scales another schedule linearly from 0 to 1 over the first {@code warmupSteps} steps (at least 1). The
 * inner schedule is not itself a warmup, since a spec has one {@code warmup_steps} per schedule.
 */
public record LinearWarmup(LearningRateSchedule inner, long warmupSteps) implements LearningRateSchedule {
    public LinearWarmup {
        Objects.requireNonNull(inner, "inner");
        Schedules.require(warmupSteps >= 1, "warmup", "warmup_steps must be >= 1 (0 means no warmup), got "
                + warmupSteps);
        Schedules.require(!(inner instanceof LinearWarmup), "warmup", "the schedule " + inner.describe()
                + " already has a warmup; give one warmup_steps");
    }

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

    /** The inner schedule's spec with {@code warmup_steps}. */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>(inner.config());
        m.put("warmup_steps", warmupSteps);
        return m;
    }
}
