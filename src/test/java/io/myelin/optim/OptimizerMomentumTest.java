package io.myelin.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** 1cycle's momentum reaches the term each optimizer actually uses (regression: Adam's beta1 was left alone). */
class OptimizerMomentumTest {
    @Test
    void adamAndAdamaxCycleBeta1() {
        for (Optimizer o : new Optimizer[] {Optimizer.adam(1e-3f), Optimizer.adamax(2e-3f)}) {
            o.setMomentum(0.85f);
            assertEquals(0.85f, ((Number) o.toSpec().get("beta1")).floatValue(), o.kind().toString());
            assertEquals(0.85f, o.momentum(), o.kind().toString());
        }
    }

    @Test
    void sgdMomentumCyclesMu() {
        Optimizer o = Optimizer.momentum(0.1f, 0.9f);
        o.setMomentum(0.8f);
        assertEquals(0.8f, ((Number) o.toSpec().get("momentum")).floatValue());
        assertEquals(0.8f, o.momentum());
    }
}
