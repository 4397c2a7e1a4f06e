package io.myelin.optim;

import io.myelin.backend.OptimizerKind;
import io.myelin.config.ConfigObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Each optimizer's defaults are FEATURES.md's table ("Optimizers": SGD lr 0.01; momentum and Nesterov mu 0.9;
 * RMSprop lr 0.001, rho 0.9, eps 1e-7; Adam lr 0.001, b1 0.9, b2 0.999, eps 1e-7; AdaMax lr 0.002, b1 0.9,
 * b2 0.999, eps 1e-7), written out here so that changing one in the code fails; and a spec naming only the
 * type gets the same optimizer as the class's builder.
 */
class OptimizerDefaultsTest {
    /** The optimizer's whole spec, which names every hyperparameter it has (and weight decay or clipping when set). */
    private static void hasDefaults(Optimizer o, OptimizerKind kind, Object... spec) {
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < spec.length; i += 2) {
            expected.put((String) spec[i], spec[i + 1]);
        }
        assertEquals(expected, o.config(), kind.toString());
        assertEquals(kind, o.kind());
        assertEquals(expected.get("lr"), o.learningRate());
        assertEquals(o.learningRate(), o.baseLearningRate());
        assertEquals(0, o.steps());
    }

    @Test
    void sgd() {
        hasDefaults(Sgd.builder().build(), OptimizerKind.SGD, "type", "sgd", "lr", 0.01f);
        assertEquals(0f, Sgd.builder().build().momentum(), "no momentum term");
    }

    @Test
    void momentumAndNesterov() {
        hasDefaults(Momentum.builder().build(), OptimizerKind.MOMENTUM,
                "type", "sgd", "lr", 0.01f, "momentum", 0.9f, "nesterov", false);
        hasDefaults(Momentum.builder().nesterov(true).build(), OptimizerKind.NESTEROV,
                "type", "sgd", "lr", 0.01f, "momentum", 0.9f, "nesterov", true);
        assertEquals(0.9f, Momentum.builder().build().momentum());
        hasDefaults(Momentum.builder().ewa(true).build(), OptimizerKind.MOMENTUM,
                "type", "sgd", "lr", 0.01f, "momentum", 0.9f, "nesterov", false, "ewa", true, "bias_correction", false);
    }

    @Test
    void rmsprop() {
        hasDefaults(RmsProp.builder().build(), OptimizerKind.RMSPROP,
                "type", "rmsprop", "lr", 0.001f, "rho", 0.9f, "eps", 1e-7f);
    }

    @Test
    void adam() {
        hasDefaults(Adam.builder().build(), OptimizerKind.ADAM,
                "type", "adam", "lr", 0.001f, "beta1", 0.9f, "beta2", 0.999f, "eps", 1e-7f);
        assertEquals(0.9f, Adam.builder().build().momentum(), "beta1 is the term 1cycle cycles");
    }

    @Test
    void adamax() {
        hasDefaults(Adamax.builder().build(), OptimizerKind.ADAMAX,
                "type", "adamax", "lr", 0.002f, "beta1", 0.9f, "beta2", 0.999f, "eps", 1e-7f);
    }

    @Test
    void aSpecOfOnlyTheTypeIsTheBuildersDefault() {
        Map<String, Optimizer> byType = Map.of(
                "sgd", Sgd.builder().build(),
                "momentum", Momentum.builder().build(),
                "nesterov", Momentum.builder().nesterov(true).build(),
                "rmsprop", RmsProp.builder().build(),
                "adam", Adam.builder().build(),
                "adamw", Adam.builder().weightDecay(0.01f).build(),
                "adamax", Adamax.builder().build());
        assertEquals(List.of("sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "adamax"), Optimizer.TYPES);
        for (String type : Optimizer.TYPES) {
            Optimizer expected = byType.get(type);
            Optimizer read = read(Map.of("type", type));
            assertInstanceOf(expected.getClass(), read, type);
            assertEquals(expected.kind(), read.kind(), type);
            assertEquals(expected.config(), read.config(), type);
        }
        assertInstanceOf(Sgd.class, read(Map.of()), "sgd when the type is left out");
    }

    static Optimizer read(Map<String, ?> spec) {
        ConfigObject c = ConfigObject.of(spec, "optimizer");
        Optimizer o = Optimizer.fromConfig(c);
        c.finish();
        return o;
    }
}
