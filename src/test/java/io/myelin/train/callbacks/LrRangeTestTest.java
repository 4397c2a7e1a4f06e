package io.myelin.train.callbacks;

import io.myelin.backend.Backend;
import io.myelin.loss.Losses;
import io.myelin.nn.Dense;
import io.myelin.optim.Sgd;
import io.myelin.testing.TestBackend;
import io.myelin.train.EncodedData;
import io.myelin.train.FitConfig;
import io.myelin.train.Sequential;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LR range test on a problem whose best rate is known: linear regression with MSE on standardized inputs,
 * full-batch gradient descent. The loss is quadratic with Hessian {@code H = (2/n) [X 1]^T [X 1]}; descent
 * diverges for lr above {@code 2 / lambda_max(H)} (the error along the top eigenvector is multiplied by
 * {@code |1 - lr lambda_max| > 1} every step).
 */
class LrRangeTestTest {
    private static final int N = 256;
    private static final int D = 4;

    /** Standardized, mildly correlated inputs; y = x.w + 0.5 + noise. */
    private static EncodedData regression() {
        Random r = new Random(7);
        double[][] x = new double[N][D];
        for (double[] row : x) {
            double shared = r.nextGaussian();
            for (int j = 0; j < D; j++) {
                row[j] = r.nextGaussian() + (j < 2 ? 0.8 * shared : 0);
            }
        }
        for (int j = 0; j < D; j++) {
            double mean = 0;
            double sq = 0;
            for (double[] row : x) {
                mean += row[j] / N;
            }
            for (double[] row : x) {
                sq += (row[j] - mean) * (row[j] - mean) / N;
            }
            for (double[] row : x) {
                row[j] = (row[j] - mean) / Math.sqrt(sq);
            }
        }
        double[] w = {1.5, -2, 0.7, 3};
        float[] xs = new float[N * D];
        float[] ys = new float[N];
        for (int i = 0; i < N; i++) {
            double y = 0.5 + 0.1 * r.nextGaussian();
            for (int j = 0; j < D; j++) {
                xs[i * D + j] = (float) x[i][j];
                y += w[j] * x[i][j];
            }
            ys[i] = (float) y;
        }
        return new EncodedData(xs, ys, N);
    }

    /** The largest eigenvalue of (2/n) [X 1]^T [X 1], by power iteration. */
    private static double lambdaMax(EncodedData d) {
        int k = D + 1;
        double[][] h = new double[k][k];
        for (int i = 0; i < N; i++) {
            double[] row = new double[k];
            for (int j = 0; j < D; j++) {
                row[j] = d.x()[i * D + j];
            }
            row[D] = 1;
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    h[a][b] += 2.0 * row[a] * row[b] / N;
                }
            }
        }
        double[] v = {1, 1, 1, 1, 1};
        double lambda = 0;
        for (int it = 0; it < 500; it++) {
            double[] hv = new double[k];
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    hv[a] += h[a][b] * v[b];
                }
            }
            double norm = 0;
            for (double e : hv) {
                norm += e * e;
            }
            norm = Math.sqrt(norm);
            lambda = norm;
            for (int a = 0; a < k; a++) {
                v[a] = hv[a] / norm;
            }
        }
        return lambda;
    }

    private static LearningRateRangeTest sweep(Backend backend, EncodedData d, double minLr, double maxLr, int steps) {
        try (Sequential m = new Sequential(backend, D, 3)) {
            m.add(new Dense(1, "linear"));
            m.compile(Losses.create("mse"), Sgd.builder().learningRate(0.01f).build(), List.of());
            LearningRateRangeTest t = new LearningRateRangeTest(minLr, maxLr, steps);
            m.fit(d, FitConfig.builder().epochs(steps).batchSize(N).shuffle(false).callback(t).build());
            return t;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void theSuggestionLiesBelowTheRateWhereDescentDiverges(TestBackend backend) {
        EncodedData d = regression();
        double divergesAbove = 2 / lambdaMax(d);
        assertTrue(divergesAbove > 0.3 && divergesAbove < 1, "2/lambda_max = " + divergesAbove);
        LearningRateRangeTest t = sweep(backend.get(), d, 1e-4, 10, 100);
        List<LearningRateRangeTest.Point> curve = t.curve();
        assertNotNull(t.divergence(), "a sweep up to 10 diverges");
        assertTrue(curve.size() < 100, "the sweep ends early: " + curve.size());
        assertTrue(curve.get(curve.size() - 1).lr() > divergesAbove, "it ended past the divergence point");
        double s = t.suggestion();
        assertTrue(s < divergesAbove && s > divergesAbove / 30, "suggestion " + s + " vs divergence above " + divergesAbove);
        assertTrue(t.suggestionIndex() <= t.minimumIndex());
        // Smoothing: bias-corrected exponential average of the raw losses.
        double avg = 0;
        for (LearningRateRangeTest.Point p : curve) {
            avg = LearningRateRangeTest.BETA * avg + (1 - LearningRateRangeTest.BETA) * p.loss();
            assertEquals(avg / (1 - Math.pow(LearningRateRangeTest.BETA, p.step())), p.smoothedLoss(), 1e-9 * Math.abs(avg) + 1e-12);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void exactlyTheRequestedStepsFromMinToMax(TestBackend backend) {
        LearningRateRangeTest t = sweep(backend.get(), regression(), 1e-5, 1e-2, 37);
        List<LearningRateRangeTest.Point> curve = t.curve();
        assertNull(t.divergence());
        assertEquals(37, curve.size());
        assertEquals(1e-5, curve.get(0).lr(), 1e-18);
        assertEquals(1e-2, curve.get(36).lr(), 0);
        for (int i = 1; i < curve.size(); i++) {
            assertEquals(Math.pow(1e3, 1 / 36.0), curve.get(i).lr() / curve.get(i - 1).lr(), 1e-9, "geometric");
            assertEquals(i + 1, curve.get(i).step());
        }
    }
}
