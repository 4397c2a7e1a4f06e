package io.myelin.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 1cycle's momentum reaches the term each optimizer's update actually uses (regression: Adam's beta1 was left
 * alone), while the spec keeps the value the optimizer was built with, as it keeps the base lr.
 */
class OptimizerMomentumTest {
    @Test
    void adamAndAdamaxCycleBeta1() {
        for (Optimizer o : new Optimizer[] {Adam.builder().build(), Adamax.builder().build()}) {
            o.setMomentum(0.85f);
            o.setSteps(1);
            assertEquals(0.85f, o.update(0f, 0f).beta1(), o.kind().toString());
            assertEquals(0.85f, o.momentum(), o.kind().toString());
            assertEquals(0.9f, ((Number) o.config().get("beta1")).floatValue(), o.kind() + ": the spec's beta1 as built");
            assertEquals(0.9f, o.baseMomentum(), o.kind().toString());
        }
    }

    @Test
    void sgdMomentumCyclesMu() {
        Optimizer o = Momentum.builder().learningRate(0.1f).momentum(0.9f).build();
        o.setMomentum(0.8f);
        o.setSteps(1);
        assertEquals(0.8f, o.update(0f, 0f).momentum());
        assertEquals(0.8f, o.momentum());
        assertEquals(0.9f, ((Number) o.config().get("momentum")).floatValue(), "the spec's momentum as built");
    }

    @Test
    void optimizersWithoutATermKeepTheValueForTheOptimizerFileOnly() {
        for (Optimizer o : new Optimizer[] {Sgd.builder().build(), RmsProp.builder().build()}) {
            assertEquals(0f, o.momentum(), o.kind().toString());
            o.setMomentum(0.95f);
            assertEquals(0.95f, o.momentum(), o.kind() + ": the optimizer file records what 1cycle set");
            assertEquals(null, o.config().get("momentum"), o.kind() + ": not a setting of its spec");
            assertEquals(0f, o.baseMomentum(), o.kind().toString());
        }
    }
}
