package io.myelin.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** 1cycle's momentum reaches the term each optimizer actually uses (regression: Adam's beta1 was left alone). */
class OptimizerMomentumTest {
    @Test
    void adamAndAdamaxCycleBeta1() {
        for (Optimizer o : new Optimizer[] {Adam.builder().build(), Adamax.builder().build()}) {
            o.setMomentum(0.85f);
            assertEquals(0.85f, ((Number) o.toSpec().get("beta1")).floatValue(), o.kind().toString());
            assertEquals(0.85f, o.momentum(), o.kind().toString());
        }
    }

    @Test
    void sgdMomentumCyclesMu() {
        Optimizer o = Momentum.builder().learningRate(0.1f).momentum(0.9f).build();
        o.setMomentum(0.8f);
        assertEquals(0.8f, ((Number) o.toSpec().get("momentum")).floatValue());
        assertEquals(0.8f, o.momentum());
    }

    @Test
    void optimizersWithoutATermKeepTheValueForTheOptimizerFileOnly() {
        for (Optimizer o : new Optimizer[] {Sgd.builder().build(), RmsProp.builder().build()}) {
            assertEquals(0f, o.momentum(), o.kind().toString());
            o.setMomentum(0.95f);
            assertEquals(0.95f, o.momentum(), o.kind() + ": the optimizer file records what 1cycle set");
            assertEquals(null, o.toSpec().get("momentum"), o.kind() + ": not a setting of its spec");
        }
    }
}
