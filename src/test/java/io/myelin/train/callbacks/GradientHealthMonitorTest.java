package io.myelin.train.callbacks;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.loss.Losses;
import io.myelin.nn.Dense;
import io.myelin.optim.Sgd;
import io.myelin.train.EncodedData;
import io.myelin.train.FitConfig;
import io.myelin.train.Sequential;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradient health monitor on a small ReLU regression: which steps and layers it reports, what it measures,
 * and each of its three warnings, provoked on purpose.
 */
class GradientHealthMonitorTest {
    private static final int N = 64;
    private static final int UNITS = 8;
    private static final float LR = 0.01f;

    private static EncodedData data() {
        Random r = new Random(3);
        float[] x = new float[N * 4];
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) r.nextGaussian();
                y[i] += (j + 1) * x[i * 4 + j];
            }
        }
        return new EncodedData(x, y, N);
    }

    /** dense_0 (ReLU) and dense_1 (linear), always from seed 5; {@code deadUnits} biases pushed far below 0. */
    private static Sequential model(Backend cpu, int deadUnits) {
        Sequential m = new Sequential(cpu, 4, 5);
        m.add(new Dense(UNITS, "relu")).add(new Dense(1));
        m.compile(Losses.create("mse"), Sgd.builder().learningRate(LR).build(), List.of());
        float[] bias = new float[UNITS];
        for (int u = 0; u < deadUnits; u++) {
            bias[u] = -1e4f;   // never active for these inputs: its bias gradient is exactly 0
        }
        ((Dense) m.findLayer("dense_0")).bias().value().set(bias);
        return m;
    }

    /** Four steps (batch 16) of SGD. */
    private static GradientHealthMonitor train(Backend cpu, GradientHealthMonitor monitor, int deadUnits) {
        try (Sequential m = model(cpu, deadUnits)) {
            m.fit(data(), FitConfig.builder().epochs(1).batchSize(16).shuffle(false).callback(monitor).build());
        }
        return monitor;
    }

    /** The L2 norm of a layer's weight and bias together. */
    private static double norm(Sequential m, String layer) {
        double sq = 0;
        for (var p : m.findLayer(layer).parameters()) {
            for (float v : p.value().toArray()) {
                sq += (double) v * v;
            }
        }
        return Math.sqrt(sq);
    }

    @Test
    void reportsEveryLayerAtEveryNthStep() {
        try (Backend cpu = Backends.create("cpu")) {
            GradientHealthMonitor monitor = train(cpu, new GradientHealthMonitor(2, 1e-7, 1e3), 0);
            List<GradientHealthMonitor.Report> reports = monitor.reports();
            assertEquals(List.of(0L, 0L, 2L, 2L), reports.stream().map(GradientHealthMonitor.Report::step).toList());
            assertEquals(List.of("dense_0", "dense_1", "dense_0", "dense_1"),
                    reports.stream().map(GradientHealthMonitor.Report::layer).toList());
            for (GradientHealthMonitor.Report r : reports) {
                assertTrue(r.gradNorm() > 0 && Double.isFinite(r.gradNorm()), r.toString());
            }
            try (Sequential initial = model(cpu, 0)) {   // the weights step 0 saw
                for (GradientHealthMonitor.Report r : reports.subList(0, 2)) {
                    double expected = LR * r.gradNorm() / norm(initial, r.layer());
                    assertEquals(expected, r.updateRatio(), 1e-6 * expected, "lr*|g|/|w| of " + r);
                }
            }
            assertTrue(reports.get(0).deadFraction() >= 0 && reports.get(0).deadFraction() <= 0.5, reports.get(0).toString());
            assertTrue(Double.isNaN(reports.get(1).deadFraction()), "no dead units counted for a linear layer");
            assertTrue(monitor.warnings().isEmpty(), monitor.warnings().toString());
        }
    }

    @Test
    void warnsOfExplodingVanishingAndDyingUnits() {
        try (Backend cpu = Backends.create("cpu")) {
            List<String> exploding = train(cpu, new GradientHealthMonitor(4, 0, 1e-9), 0).warnings();
            assertEquals(2, exploding.size(), exploding.toString());
            assertTrue(exploding.get(0).startsWith("exploding gradient in dense_0 at step 0: norm "), exploding.get(0));

            List<String> vanishing = train(cpu, new GradientHealthMonitor(4, 1e9, 1e10), 0).warnings();
            assertTrue(vanishing.get(1).startsWith("vanishing gradient in dense_1 at step 0: norm "), vanishing.toString());

            List<String> dying = train(cpu, new GradientHealthMonitor(4, 1e-7, 1e3), 6).warnings();
            assertEquals(List.of("dying ReLU in dense_0 at step 0: 75% of units inactive for the whole batch"), dying);
        }
    }

    @Test
    void refusesAnIntervalBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new GradientHealthMonitor(0, 1e-7, 1e3));
    }
}
