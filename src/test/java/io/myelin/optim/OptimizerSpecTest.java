package io.myelin.optim;

import io.myelin.backend.OptimizerKind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The spec registry: which class and kind each spec makes, the spec it writes back for model files (the
 * maps, key order included, that model.json has held since the spec reader was written), and the messages for
 * hyperparameters out of range.
 */
class OptimizerSpecTest {
    private static Map<String, Object> spec(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object v = keysAndValues[i + 1];
            m.put((String) keysAndValues[i], v instanceof Double d ? new BigDecimal(d.toString()) : v);
        }
        return m;
    }

    private static void writes(Map<String, Object> in, Class<? extends Optimizer> type, OptimizerKind kind,
                               Object... expectedSpec) {
        Optimizer o = OptimizerDefaultsTest.read(in);
        assertInstanceOf(type, o, in.toString());
        assertEquals(kind, o.kind(), in.toString());
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < expectedSpec.length; i += 2) {
            expected.put((String) expectedSpec[i], expectedSpec[i + 1]);
        }
        assertEquals(expected.toString(), o.toSpec().toString(), in.toString());
        assertEquals(expected, o.toSpec(), in.toString());
    }

    @Test
    void theSgdFamily() {
        writes(spec("type", "sgd", "lr", 0.05), Sgd.class, OptimizerKind.SGD, "type", "sgd", "lr", 0.05f);
        writes(spec("type", "sgd", "momentum", 0.8), Momentum.class, OptimizerKind.MOMENTUM,
                "type", "sgd", "lr", 0.01f, "momentum", 0.8f, "nesterov", false);
        writes(spec("type", "sgd", "nesterov", true), Momentum.class, OptimizerKind.NESTEROV,
                "type", "sgd", "lr", 0.01f, "momentum", 0.9f, "nesterov", true);
        writes(spec("type", "sgd", "momentum", 0.0, "ewa", true), Sgd.class, OptimizerKind.SGD,
                "type", "sgd", "lr", 0.01f);
        writes(spec("type", "momentum", "momentum", 0.0), Momentum.class, OptimizerKind.MOMENTUM,
                "type", "sgd", "lr", 0.01f, "momentum", 0f, "nesterov", false);
        writes(spec("type", "momentum", "ewa", true, "bias_correction", true, "lr", 0.1), Momentum.class,
                OptimizerKind.MOMENTUM, "type", "sgd", "lr", 0.1f, "momentum", 0.9f, "nesterov", false, "ewa", true,
                "bias_correction", true);
        writes(spec("type", "nesterov", "momentum", 0.0, "weight_decay", 0.01), Momentum.class, OptimizerKind.NESTEROV,
                "type", "sgd", "lr", 0.01f, "momentum", 0.9f, "nesterov", true, "weight_decay", 0.01f);
        writes(spec("type", "nesterov", "ewa", true), Momentum.class, OptimizerKind.NESTEROV,
                "type", "sgd", "lr", 0.01f, "momentum", 0.9f, "nesterov", true, "ewa", true, "bias_correction", false);
    }

    @Test
    void rmspropAndTheAdamFamily() {
        writes(spec("type", "rmsprop", "rho", 0.8, "eps", 1e-6), RmsProp.class, OptimizerKind.RMSPROP,
                "type", "rmsprop", "lr", 0.001f, "rho", 0.8f, "eps", 1e-6f);
        writes(spec("type", "adam", "clipnorm", 1.0), Adam.class, OptimizerKind.ADAM,
                "type", "adam", "lr", 0.001f, "beta1", 0.9f, "beta2", 0.999f, "eps", 1e-7f, "clipnorm", 1f);
        writes(spec("type", "adam", "weight_decay", 0.001), Adam.class, OptimizerKind.ADAM,
                "type", "adamw", "lr", 0.001f, "beta1", 0.9f, "beta2", 0.999f, "eps", 1e-7f, "weight_decay", 0.001f);
        writes(spec("type", "adamw", "lr", 0.01), Adam.class, OptimizerKind.ADAM,
                "type", "adamw", "lr", 0.01f, "beta1", 0.9f, "beta2", 0.999f, "eps", 1e-7f, "weight_decay", 0.01f);
        writes(spec("type", "adamw", "weight_decay", 0.0), Adam.class, OptimizerKind.ADAM,
                "type", "adam", "lr", 0.001f, "beta1", 0.9f, "beta2", 0.999f, "eps", 1e-7f);
        writes(spec("type", "adamax", "beta1", 0.8, "beta2", 0.99, "eps", 1e-5), Adamax.class, OptimizerKind.ADAMAX,
                "type", "adamax", "lr", 0.002f, "beta1", 0.8f, "beta2", 0.99f, "eps", 1e-5f);
    }

    @Test
    void aWrittenSpecReadsBackAsTheSameOptimizer() {
        Optimizer[] all = {Sgd.builder().learningRate(0.2f).clipNorm(3f).build(),
            Momentum.builder().momentum(0.5f).ewa(true).biasCorrection(true).build(),
            Momentum.builder().nesterov(true).weightDecay(1e-4f).build(),
            RmsProp.builder().rho(0.5f).eps(1e-3f).build(),
            Adam.builder().beta1(0.5f).beta2(0.75f).eps(1e-4f).weightDecay(0.02f).build(),
            Adamax.builder().learningRate(0.1f).build()};
        for (Optimizer o : all) {
            Optimizer back = OptimizerDefaultsTest.read(o.toSpec());
            assertEquals(o.getClass(), back.getClass());
            assertEquals(o.kind(), back.kind());
            assertEquals(o.toSpec(), back.toSpec());
        }
    }

    private static String refused(Object... keysAndValues) {
        return assertThrows(IllegalArgumentException.class, () -> OptimizerDefaultsTest.read(spec(keysAndValues)))
                .getMessage();
    }

    @Test
    void valuesOutOfRangeAreRefusedNamingTheKey() {
        assertEquals("optimizer: lr must be a positive number, got -1.0", refused("type", "adam", "lr", -1.0));
        assertEquals("optimizer: lr must be a positive number, got 0.0", refused("type", "sgd", "lr", 0.0));
        assertEquals("optimizer: momentum must be in [0, 1), got 1.0", refused("type", "momentum", "momentum", 1.0));
        assertEquals("optimizer: momentum must be in [0, 1), got -0.5", refused("type", "sgd", "momentum", -0.5));
        assertEquals("optimizer: beta1 must be in [0, 1), got 1.5", refused("type", "adam", "beta1", 1.5));
        assertEquals("optimizer: beta2 must be in [0, 1), got 1.0", refused("type", "adamax", "beta2", 1.0));
        assertEquals("optimizer: rho must be in [0, 1), got -0.1", refused("type", "rmsprop", "rho", -0.1));
        assertEquals("optimizer: eps must be >= 0, got -1.0E-7", refused("type", "adam", "eps", -1e-7));
        assertEquals("optimizer: weight_decay must be >= 0, got -0.01", refused("type", "sgd", "weight_decay", -0.01));
        assertEquals("optimizer: clipnorm must be >= 0, got -1.0", refused("type", "rmsprop", "clipnorm", -1.0));
        assertEquals("optimizer: lr must be a positive number, got -1.0",
                refused("type", "adam", "lr", -1.0, "beta1", 2.0, "clipnorm", -1.0), "lr is checked first");
        assertEquals("optimizer: beta1 must be in [0, 1), got 2.0", refused("type", "adam", "beta1", 2.0,
                "weight_decay", -1.0), "then the type's own values, then weight_decay, then clipnorm");
        assertEquals("optimizer: weight_decay must be >= 0, got -1.0", refused("type", "adam", "weight_decay", -1.0,
                "clipnorm", -1.0));
    }

    @Test
    void theBuildersCheckTheSameWay() {
        assertEquals("optimizer: momentum must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> Momentum.builder().momentum(1f).build())
                        .getMessage());
        assertEquals("optimizer: lr must be a positive number, got NaN",
                assertThrows(IllegalArgumentException.class, () -> Adam.builder().learningRate(Float.NaN).build())
                        .getMessage());
        assertEquals("optimizer: clipnorm must be >= 0, got -2.0",
                assertThrows(IllegalArgumentException.class, () -> Sgd.builder().clipNorm(-2f).build()).getMessage());
    }
}
