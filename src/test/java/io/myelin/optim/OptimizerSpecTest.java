package io.myelin.optim;

import io.myelin.backend.OptimizerKind;
import io.myelin.config.ConfigException;
import io.myelin.config.ConfigObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.myelin.testing.SpecMaps.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The spec registry: which class and kind each spec makes, the spec it writes back for model files (the
 * maps, key order included, that model.json has held since the spec reader was written), and the messages for
 * hyperparameters out of range.
 */
class OptimizerSpecTest {
    private static void writes(Map<String, Object> in, Class<? extends Optimizer> type, OptimizerKind kind,
                               Object... expectedSpec) {
        Optimizer o = OptimizerDefaultsTest.read(in);
        assertInstanceOf(type, o, in.toString());
        assertEquals(kind, o.kind(), in.toString());
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < expectedSpec.length; i += 2) {
            expected.put((String) expectedSpec[i], expectedSpec[i + 1]);
        }
        assertEquals(expected.toString(), o.config().toString(), in.toString());
        assertEquals(expected, o.config(), in.toString());
    }

    @Test
    void theSgdFamily() {
        writes(spec("type", "sgd", "lr", 0.05), Sgd.class, OptimizerKind.SGD, "type", "sgd", "lr", 0.05f);
        writes(spec("type", "sgd", "momentum", 0.8), Momentum.class, OptimizerKind.MOMENTUM,
                "type", "sgd", "lr", 0.01f, "momentum", 0.8f, "nesterov", false);
        writes(spec("type", "sgd", "nesterov", true), Momentum.class, OptimizerKind.NESTEROV,
                "type", "sgd", "lr", 0.01f, "momentum", 0.9f, "nesterov", true);
        writes(spec("type", "sgd", "momentum", 0.0, "ewa", false, "nesterov", false), Sgd.class, OptimizerKind.SGD,
                "type", "sgd", "lr", 0.01f);
        writes(spec("type", "sgd", "nesterov", true, "momentum", 0.8), Momentum.class, OptimizerKind.NESTEROV,
                "type", "sgd", "lr", 0.01f, "momentum", 0.8f, "nesterov", true);
        writes(spec("type", "momentum", "momentum", 0.0), Momentum.class, OptimizerKind.MOMENTUM,
                "type", "momentum", "lr", 0.01f, "momentum", 0f);
        writes(spec("type", "momentum", "ewa", true, "bias_correction", true, "lr", 0.1), Momentum.class,
                OptimizerKind.MOMENTUM, "type", "sgd", "lr", 0.1f, "momentum", 0.9f, "nesterov", false, "ewa", true,
                "bias_correction", true);
        writes(spec("type", "nesterov", "weight_decay", 0.01), Momentum.class, OptimizerKind.NESTEROV,
                "type", "sgd", "lr", 0.01f, "momentum", 0.9f, "nesterov", true, "weight_decay", 0.01f);
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
            Momentum.builder().momentum(0f).learningRate(0.3f).build(),
            RmsProp.builder().rho(0.5f).eps(1e-3f).build(),
            Adam.builder().beta1(0.5f).beta2(0.75f).eps(1e-4f).weightDecay(0.02f).build(),
            Adamax.builder().learningRate(0.1f).build()};
        for (Optimizer o : all) {
            Optimizer back = OptimizerDefaultsTest.read(o.config());
            assertEquals(o.getClass(), back.getClass());
            assertEquals(o.kind(), back.kind());
            assertEquals(o.config(), back.config());
        }
    }

    private static String refused(Object... keysAndValues) {
        return assertThrows(ConfigException.class, () -> OptimizerDefaultsTest.read(spec(keysAndValues)))
                .getMessage();
    }

    private static String builderRefuses(Optimizer.Builder<?, ?> b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    private static final String NO_EWA_FOR_NESTEROV = "optimizer: ewa is a form of classic momentum only, not of "
            + "nesterov: for the EWA form use {\"type\": \"momentum\", \"ewa\": true}, or leave ewa out for nesterov";
    private static final String BIAS_CORRECTION_NEEDS_EWA = "optimizer: bias_correction applies only to the EWA form: "
            + "add \"ewa\": true, or leave bias_correction out";

    /** FEATURES.md defines the EWA form (and its bias correction) for classic momentum only; Nesterov has none. */
    @Test
    void aMomentumFlagThatWouldChangeNothingIsRefusedByTheSpecAndTheBuilder() {
        assertEquals(NO_EWA_FOR_NESTEROV, refused("type", "nesterov", "ewa", true));
        assertEquals(NO_EWA_FOR_NESTEROV, refused("type", "sgd", "momentum", 0.9, "nesterov", true, "ewa", true));
        assertEquals(NO_EWA_FOR_NESTEROV, refused("type", "sgd", "nesterov", true, "ewa", true, "bias_correction", true));
        assertEquals(NO_EWA_FOR_NESTEROV, builderRefuses(Momentum.builder().nesterov(true).ewa(true)));

        assertEquals(BIAS_CORRECTION_NEEDS_EWA, refused("type", "momentum", "bias_correction", true));
        assertEquals(BIAS_CORRECTION_NEEDS_EWA, refused("type", "nesterov", "bias_correction", true));
        assertEquals(BIAS_CORRECTION_NEEDS_EWA, refused("type", "sgd", "bias_correction", true));
        assertEquals(BIAS_CORRECTION_NEEDS_EWA, builderRefuses(Momentum.builder().biasCorrection(true)));
        assertEquals(BIAS_CORRECTION_NEEDS_EWA, builderRefuses(Momentum.builder().nesterov(true).biasCorrection(true)));

        String nesterovAtZero = "optimizer: nesterov needs a momentum in (0, 1), got 0.0 (with 0 it is plain sgd: use "
                + "{\"type\": \"sgd\"})";
        assertEquals(nesterovAtZero, refused("type", "nesterov", "momentum", 0.0), "an explicit 0 is not replaced by 0.9");
        assertEquals(nesterovAtZero, refused("type", "sgd", "nesterov", true, "momentum", 0.0));
        assertEquals(nesterovAtZero, builderRefuses(Momentum.builder().nesterov(true).momentum(0f)));

        String ewaAtZero = "optimizer: ewa needs a momentum in (0, 1), got 0.0 (with 0 it is plain sgd: use "
                + "{\"type\": \"sgd\"})";
        assertEquals(ewaAtZero, refused("type", "sgd", "ewa", true), "sgd's momentum defaults to 0");
        assertEquals(ewaAtZero, refused("type", "sgd", "momentum", 0.0, "ewa", true, "bias_correction", true));
        assertEquals(ewaAtZero, refused("type", "momentum", "momentum", 0.0, "ewa", true));
        assertEquals(ewaAtZero, builderRefuses(Momentum.builder().momentum(0f).ewa(true)));
    }

    @Test
    void theSpecNamesItsPlaceInTheMessage() {
        ConfigObject c = ConfigObject.of(spec("type", "nesterov", "ewa", true), "s.json: optimizer");
        assertEquals("s.json: " + NO_EWA_FOR_NESTEROV,
                assertThrows(ConfigException.class, () -> Optimizer.fromConfig(c)).getMessage());
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
        assertEquals("optimizer: eps must be a positive number, got -1.0E-7", refused("type", "adam", "eps", -1e-7));
        assertEquals("optimizer: eps must be a positive number, got 0.0", refused("type", "rmsprop", "eps", 0.0));
        assertEquals("optimizer: eps must be a positive number, got 0.0", refused("type", "adamax", "eps", 0.0));
        assertEquals("optimizer: weight_decay must be a number >= 0, got -0.01",
                refused("type", "sgd", "weight_decay", -0.01));
        assertEquals("optimizer: clipnorm must be a number >= 0, got -1.0", refused("type", "rmsprop", "clipnorm", -1.0));
        assertEquals("optimizer: lr must be a positive number, got -1.0",
                refused("type", "adam", "lr", -1.0, "beta1", 2.0, "clipnorm", -1.0), "lr is checked first");
        assertEquals("optimizer: beta1 must be in [0, 1), got 2.0", refused("type", "adam", "beta1", 2.0,
                "weight_decay", -1.0), "then the type's own values, then weight_decay, then clipnorm");
        assertEquals("optimizer: weight_decay must be a number >= 0, got -1.0", refused("type", "adam",
                "weight_decay", -1.0, "clipnorm", -1.0));
    }

    /**
     * Every value the spec refuses, the builder refuses in the same words; and what a spec cannot even write
     * (NaN, infinities: JSON numbers are finite) the builder refuses too.
     */
    @Test
    void theBuildersCheckTheSameWay() {
        Map<String, Optimizer.Builder<?, ?>> sameWords = new LinkedHashMap<>();
        sameWords.put(refused("type", "sgd", "lr", 0.0), Sgd.builder().learningRate(0f));
        sameWords.put(refused("type", "adam", "lr", -1.0), Adam.builder().learningRate(-1f));
        sameWords.put(refused("type", "momentum", "momentum", 1.0), Momentum.builder().momentum(1f));
        sameWords.put(refused("type", "sgd", "momentum", -0.5), Momentum.builder().momentum(-0.5f));
        sameWords.put(refused("type", "adam", "beta1", 1.5), Adam.builder().beta1(1.5f));
        sameWords.put(refused("type", "adamax", "beta2", 1.0), Adamax.builder().beta2(1f));
        sameWords.put(refused("type", "rmsprop", "rho", -0.1), RmsProp.builder().rho(-0.1f));
        sameWords.put(refused("type", "adam", "eps", 0.0), Adam.builder().eps(0f));
        sameWords.put(refused("type", "rmsprop", "eps", -1.0), RmsProp.builder().eps(-1f));
        sameWords.put(refused("type", "adamw", "weight_decay", -0.5), Adam.builder().weightDecay(-0.5f));
        sameWords.put(refused("type", "nesterov", "clipnorm", -2.0), Momentum.builder().nesterov(true).clipNorm(-2f));
        for (Map.Entry<String, Optimizer.Builder<?, ?>> e : sameWords.entrySet()) {
            assertEquals(e.getKey(), builderRefuses(e.getValue()));
        }

        assertEquals("optimizer: lr must be a positive number, got NaN", builderRefuses(Adam.builder().learningRate(Float.NaN)));
        assertEquals("optimizer: lr must be a positive number, got Infinity",
                builderRefuses(Sgd.builder().learningRate(Float.POSITIVE_INFINITY)));
        assertEquals("optimizer: momentum must be in [0, 1), got NaN", builderRefuses(Momentum.builder().momentum(Float.NaN)));
        assertEquals("optimizer: beta1 must be in [0, 1), got NaN", builderRefuses(Adamax.builder().beta1(Float.NaN)));
        assertEquals("optimizer: beta2 must be in [0, 1), got NaN", builderRefuses(Adam.builder().beta2(Float.NaN)));
        assertEquals("optimizer: rho must be in [0, 1), got NaN", builderRefuses(RmsProp.builder().rho(Float.NaN)));
        assertEquals("optimizer: eps must be a positive number, got NaN", builderRefuses(Adam.builder().eps(Float.NaN)));
        assertEquals("optimizer: eps must be a positive number, got Infinity",
                builderRefuses(RmsProp.builder().eps(Float.POSITIVE_INFINITY)));
        assertEquals("optimizer: weight_decay must be a number >= 0, got NaN",
                builderRefuses(Sgd.builder().weightDecay(Float.NaN)));
        assertEquals("optimizer: weight_decay must be a number >= 0, got Infinity",
                builderRefuses(Adam.builder().weightDecay(Float.POSITIVE_INFINITY)));
        assertEquals("optimizer: clipnorm must be a number >= 0, got Infinity",
                builderRefuses(Momentum.builder().clipNorm(Float.POSITIVE_INFINITY)));
        assertEquals("optimizer: clipnorm must be a number >= 0, got NaN", builderRefuses(Sgd.builder().clipNorm(Float.NaN)));
    }
}
