package io.myelin.optim;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.myelin.testing.SpecMaps.typedSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Every spec type reads back what its optimizer's {@code config()} writes, with every key it reads set away
 * from its default (as {@code LayersTest} does for layers), so a key written but not read, read into the
 * wrong field, or read and then dropped fails here.
 */
class OptimizerConfigTest {
    /**
     * Per type, specs that between them set every key the type reads away from its default. The Nesterov and
     * EWA flags exclude each other, so the sgd family needs two.
     */
    private static final Map<String, List<Map<String, Object>>> EVERY_KEY = Map.of(
            "sgd", List.of(
                    typedSpec("sgd", "lr", 0.2, "momentum", 0.6, "nesterov", true, "weight_decay", 0.03, "clipnorm", 2.0),
                    typedSpec("sgd", "lr", 0.3, "momentum", 0.7, "ewa", true, "bias_correction", true, "weight_decay", 0.04,
                            "clipnorm", 3.0)),
            "momentum", List.of(
                    typedSpec("momentum", "lr", 0.2, "momentum", 0.5, "ewa", true, "bias_correction", true,
                            "weight_decay", 0.01, "clipnorm", 1.5)),
            "nesterov", List.of(
                    typedSpec("nesterov", "lr", 0.05, "momentum", 0.8, "weight_decay", 0.02, "clipnorm", 0.5)),
            "rmsprop", List.of(
                    typedSpec("rmsprop", "lr", 0.02, "rho", 0.7, "eps", 1e-4, "weight_decay", 0.01, "clipnorm", 4.0)),
            "adam", List.of(
                    typedSpec("adam", "lr", 0.02, "beta1", 0.7, "beta2", 0.95, "eps", 1e-5, "weight_decay", 0.001,
                            "clipnorm", 5.0)),
            "adamw", List.of(
                    typedSpec("adamw", "lr", 0.003, "beta1", 0.6, "beta2", 0.9, "eps", 1e-6, "weight_decay", 0.05,
                            "clipnorm", 1.0)),
            "adamax", List.of(
                    typedSpec("adamax", "lr", 0.004, "beta1", 0.5, "beta2", 0.99, "eps", 1e-3, "weight_decay", 0.2,
                            "clipnorm", 0.25)));

    @Test
    void theSamplesCoverEveryRegisteredType() {
        assertEquals(new TreeSet<>(Optimizer.TYPES), new TreeSet<>(EVERY_KEY.keySet()));
    }

    @Test
    void everyTypeReadsBackWhatItsConfigWrites() {
        for (String type : Optimizer.TYPES) {
            for (Map<String, Object> in : EVERY_KEY.get(type)) {
                Optimizer o = OptimizerDefaultsTest.read(in);
                Map<String, Object> written = o.config();
                Optimizer back = OptimizerDefaultsTest.read(written);
                assertEquals(o.getClass(), back.getClass(), in.toString());
                assertEquals(o.kind(), back.kind(), in.toString());
                assertEquals(written, back.config(), in.toString());
                assertEquals(o.update(0.1f, 0.2f), back.update(0.1f, 0.2f), in + ": the same update");
            }
        }
    }

    /**
     * Each key given appears in the written spec with its value, and without it the optimizer is another one
     * (or, for sgd's ewa without its momentum, a refused one).
     */
    @Test
    void everyKeyReachesTheOptimizer() {
        for (String type : Optimizer.TYPES) {
            for (Map<String, Object> in : EVERY_KEY.get(type)) {
                Map<String, Object> written = OptimizerDefaultsTest.read(in).config();
                for (Map.Entry<String, Object> e : in.entrySet()) {
                    String key = e.getKey();
                    if (key.equals("type")) {
                        continue;
                    }
                    Object value = e.getValue() instanceof BigDecimal d ? d.floatValue() : e.getValue();
                    assertEquals(value, written.get(key), in + ": " + key);
                    Map<String, Object> without = new LinkedHashMap<>(in);
                    without.remove(key);
                    if (key.equals("ewa")) {
                        without.remove("bias_correction");
                    }
                    Map<String, Object> other;
                    try {
                        other = OptimizerDefaultsTest.read(without).config();
                    } catch (IllegalArgumentException refused) {
                        continue;   // sgd's ewa without a momentum: refused, so the key mattered
                    }
                    assertNotEquals(written, other, in + " without " + key);
                }
            }
        }
    }
}
