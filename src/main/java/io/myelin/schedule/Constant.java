package io.myelin.schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/** The same learning rate every step. */
public record Constant(float lr0) implements LearningRateSchedule {
    public Constant {
        Schedules.requireLr0("constant", lr0);
    }

    @Override
    public float lr(long step, int epoch) {
        return lr0;
    }

    @Override
    public String describe() {
        return "constant(" + lr0 + ")";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "constant");
        return m;
    }
}
