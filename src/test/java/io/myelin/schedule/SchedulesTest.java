package io.myelin.schedule;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-computed values of each schedule's formula in FEATURES.md. */
class SchedulesTest {
    @Test
    void triangularFollowsSmith() {
        Cyclical c = new Cyclical(0.1f, 1.0f, 10, Cyclical.Mode.TRIANGULAR, 1f);
        assertEquals(0.1f, c.lr(0, 0), 1e-6);
        assertEquals(0.55f, c.lr(5, 0), 1e-6);
        assertEquals(1.0f, c.lr(10, 0), 1e-6);
        assertEquals(0.1f, c.lr(20, 0), 1e-6);
        assertEquals(1.0f, c.lr(30, 0), 1e-6);
    }

    @Test
    void triangular2HalvesEachCycleAndExpRangeDecays() {
        Cyclical t2 = new Cyclical(0.1f, 1.0f, 10, Cyclical.Mode.TRIANGULAR2, 1f);
        assertEquals(0.55f, t2.lr(30, 0), 1e-6);   // second cycle peak: 0.1 + 0.9 / 2
        Cyclical ex = new Cyclical(0.1f, 1.0f, 10, Cyclical.Mode.EXP_RANGE, 0.99f);
        assertEquals(0.1 + 0.9 * Math.pow(0.99, 10), ex.lr(10, 0), 1e-6);
    }

    @Test
    void stepAndExponentialDecay() {
        StepDecay s = new StepDecay(0.1f, 0.5f, 10);
        assertEquals(0.1f, s.lr(0, 9), 1e-7);
        assertEquals(0.05f, s.lr(0, 10), 1e-7);
        assertEquals(0.025f, s.lr(0, 25), 1e-7);
        assertEquals(0.1 * Math.exp(-0.2 * 3), new ExponentialDecay(0.1f, 0.2f, false).lr(99, 3), 1e-7);
    }

    @Test
    void oneCycleWarmsUpAnnealsAndDecaysFarBelow() {
        OneCycle o = OneCycle.of(1.0f, 101);
        assertEquals(1.0f / 25, o.lr(0, 0), 1e-6);
        assertEquals(1.0f, o.lr(30, 0), 1e-6);
        assertEquals(1.0f / 25, o.lr(60, 0), 1e-5);
        assertTrue(o.lr(100, 0) < 1.0f / 25 / 1000);
        assertEquals(0.85f, o.momentum(30, 0), 1e-6);
        assertEquals(0.95f, o.momentum(0, 0), 1e-6);
    }

    @Test
    void warmupAndSpecParsing() {
        LearningRateSchedule w = Schedules.fromSpec(Map.of("type", "constant", "warmup_steps", 4), 0.4f, 100);
        assertEquals(0.1f, w.lr(0, 0), 1e-7);
        assertEquals(0.4f, w.lr(3, 0), 1e-7);
        assertEquals(0.4f, w.lr(50, 0), 1e-7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromSpec(Map.of("type", "cosine"), 0.1f, 10));
        assertTrue(e.getMessage().contains("cosine"));
    }
}
