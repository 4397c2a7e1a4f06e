package io.myelin.train;

import io.myelin.backend.Backend;
import io.myelin.loss.Losses;
import io.myelin.nn.BatchNormalization;
import io.myelin.nn.Dense;
import io.myelin.nn.Dropout;
import io.myelin.nn.Layer;
import io.myelin.nn.Parameter;
import io.myelin.optim.Adam;
import io.myelin.optim.Sgd;
import io.myelin.random.SeededRandom;
import io.myelin.train.callbacks.EarlyStopping;
import io.myelin.testing.TestBackend;
import io.myelin.testing.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model-level behaviour, one body per test run on every backend ({@link TestBackends}). */
class SequentialTest {
    private static final String BACKENDS = "io.myelin.testing.TestBackends#available";

    /** Two Gaussian blobs per class in 4-D, 3 classes: learnable to ~100% by an MLP. */
    static EncodedData blobs(int n, long seed) {
        SeededRandom r = new SeededRandom(seed, 9);
        float[] x = new float[n * 4];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            y[i] = c;
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) (r.nextGaussian() * 0.5 + (j == c ? 3 : 0));
            }
        }
        return new EncodedData(x, y, n);
    }

    private static Sequential classifier(Backend be) {
        Sequential m = new Sequential(be, 4, 3);
        m.add(new Dense(16, "relu")).add(new Dense(3, "softmax"));
        m.compile(Losses.create("sparse_categorical_crossentropy"), Adam.builder().learningRate(0.01f).build(),
                List.of("accuracy"));
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void layersAreNamedPerTypeAndSummaryCountsParameters(TestBackend backend) {
        Backend be = backend.get();
        try (Sequential m = new Sequential(be, 6, 1)) {
            m.add(new Dense(8, "tanh")).add(new BatchNormalization()).add(new Dropout(0.2f)).add(new Dense(3, "softmax"));
            assertEquals(List.of("dense_0", "batchnorm_0", "dropout_0", "dense_1"),
                    m.layers().stream().map(Layer::name).toList());
            String s = m.summary();
            assertTrue(s.contains("Trainable params: " + (6 * 8 + 8 + 2 * 8 + 8 * 3 + 3)), s);
            assertTrue(s.contains("Non-trainable params: 16"), s);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void fitLearnsBlobsAndFreesEveryStepTemporary(TestBackend backend) {
        Backend be = backend.get();
        long before = be.liveBytes();
        try (Sequential m = classifier(be)) {
            long afterBuild = be.liveBytes();
            History h = m.fit(blobs(300, 1), FitConfig.builder().epochs(15).batchSize(16).build());
            assertEquals(15, h.epochs());
            assertTrue(h.last("loss") < h.get("loss").get(0), "loss should fall: " + h.get("loss"));
            double acc = m.evaluate(blobs(200, 2)).get("accuracy");
            assertTrue(acc > 0.95, "held-out accuracy " + acc);
            // parameters, grads and Adam state remain; nothing else
            long perParamBytes = 0;
            for (Parameter p : m.parameters()) {
                perParamBytes += 4L * p.value().size() * 2;   // Adam m and v
            }
            assertEquals(afterBuild + perParamBytes, be.liveBytes(), "live bytes after fit");
        }
        assertEquals(before, be.liveBytes(), "live bytes after close");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void sameSeedSameResult(TestBackend backend) {
        Backend be = backend.get();
        double[] losses = new double[2];
        for (int i = 0; i < 2; i++) {
            try (Sequential m = classifier(be)) {
                losses[i] = m.fit(blobs(100, 1), FitConfig.builder().epochs(3).build()).last("loss");
            }
        }
        assertEquals(losses[0], losses[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void validationSplitRecordsValidationMetrics(TestBackend backend) {
        Backend be = backend.get();
        try (Sequential m = classifier(be)) {
            History h = m.fit(blobs(200, 1), FitConfig.builder().epochs(2).validationSplit(0.25).build());
            assertEquals(2, h.get("val_loss").size());
            assertEquals(2, h.get("val_accuracy").size());
        }
    }

    /**
     * The logged loss holds the L1/L2 penalty, summed on the backend: one full-batch step logs the data loss
     * before the update plus the penalty after it; validation and evaluate add the penalty of the weights they see.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void lossesIncludeThePenalty(TestBackend backend) {
        Backend be = backend.get();
        EncodedData d = blobs(64, 5);
        try (Sequential m = new Sequential(be, 4, 3)) {
            m.add(new Dense(16, "relu").regularize(1e-2f, 1e-2f)).add(new Dense(3, "softmax").regularize(0f, 5e-2f));
            m.compile(Losses.create("sparse_categorical_crossentropy"), Sgd.builder().learningRate(0.1f).build(),
                    List.of());
            double p0 = m.penalty();
            double e0 = m.evaluate(d).get("loss");
            assertTrue(p0 > 0.01, "a penalty worth seeing: " + p0);
            History h = m.fit(d, FitConfig.builder().epochs(1).batchSize(64).shuffle(false).validationData(d).build());
            double p1 = m.penalty();
            assertTrue(Math.abs(p1 - p0) > 1e-4, "the step changed the penalty");
            double expected = e0 - p0 + p1;
            assertEquals(expected, h.last("loss"), 1e-5 * Math.abs(expected), "data loss before the step + penalty after");
            double e1 = m.evaluate(d).get("loss");
            assertEquals(e1, h.last("val_loss"), 1e-5 * Math.abs(e1), "validation loss includes the penalty");
            try (Sequential plain = new Sequential(be, 4, 3)) {
                plain.add(new Dense(16, "relu")).add(new Dense(3, "softmax"));
                plain.compile(Losses.create("sparse_categorical_crossentropy"),
                        Sgd.builder().learningRate(0.1f).build(), List.of());
                plain.restoreWeights(m.weightsSnapshot());
                assertEquals(e1 - p1, plain.evaluate(d).get("loss"), 1e-5 * e1, "the same weights without penalties");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void divergenceStopsWithLayerNameAndRestoresWeights(TestBackend backend) {
        Backend be = backend.get();
        try (Sequential m = new Sequential(be, 4, 3)) {
            m.add(new Dense(8, "relu")).add(new Dense(3));
            m.compile(Losses.create("mse"), Sgd.builder().learningRate(1e6f).build(), List.of());
            float[] y = new float[300 * 3];
            Arrays.fill(y, 1e3f);
            EncodedData d = new EncodedData(blobs(300, 1).x(), y, 300);
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> m.fit(d, FitConfig.builder().epochs(3).build()));
            assertTrue(e.getMessage().contains("step"), e.getMessage());
            for (Parameter p : m.parameters()) {
                for (float v : p.value().toArray()) {
                    assertTrue(Float.isFinite(v), "restored weights must be finite: " + p.name());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void frozenLayerDoesNotChange(TestBackend backend) {
        Backend be = backend.get();
        try (Sequential m = classifier(be)) {
            Layer first = m.layers().get(0);
            first.setTrainable(false);
            float[] before = first.parameters().get(0).value().toArray();
            float[] head = m.layers().get(1).parameters().get(0).value().toArray();
            m.fit(blobs(100, 1), FitConfig.builder().epochs(2).build());
            assertArrayEquals(before, first.parameters().get(0).value().toArray());
            assertFalse(Arrays.equals(head, m.layers().get(1).parameters().get(0).value().toArray()));
        }
    }

    /** A layer added (or removed) after compile leaves the loss and metrics chosen for the old layers: fit asks again. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void changingTheLayersAfterCompileAsksForCompileAgain(TestBackend backend) {
        Backend be = backend.get();
        float[] x = new float[8 * 4];
        float[] y = {0, 1, 2, 0, 1, 2, 0, 1};
        EncodedData data = new EncodedData(x, y, 8);
        FitConfig one = FitConfig.builder().epochs(1).batchSize(4).build();
        try (Sequential m = classifier(be)) {
            m.add(new Dense(3, "relu"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.fit(data, one));
            assertEquals("layers were added or removed after compile(): call compile(loss, optimizer, metrics) again "
                    + "before fit/evaluate", e.getMessage());
            assertThrows(IllegalStateException.class, () -> m.evaluate(data));
            m.pop();
            assertThrows(IllegalStateException.class, () -> m.fit(data, one), "pop changes the layers too");
            m.compile(Losses.create("sparse_categorical_crossentropy"), Adam.builder().learningRate(0.01f).build(),
                    List.of("accuracy"));
            assertEquals(1, m.fit(data, one).epochs());
        }
    }

    /** A label that is no class index is named by its sample in the caller's data, before any batch is drawn. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void aSparseLabelThatIsNoClassIndexNamesItsSample(TestBackend backend) {
        Backend be = backend.get();
        float[] x = new float[8 * 4];
        FitConfig one = FitConfig.builder().epochs(1).batchSize(4).build();
        try (Sequential m = classifier(be)) {
            for (float bad : new float[] {3f, -1f, 0.5f, Float.NaN}) {
                float[] y = {0, 1, 2, 0, 1, 2, 0, 1};
                y[5] = bad;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> m.fit(new EncodedData(x, y, 8), one));
                assertEquals("the training targets: sample 5 holds " + bad + ", not a class index in [0, 3) (loss "
                        + "'sparse_categorical_crossentropy' on a model with 3 outputs)", e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void newHeadAfterPop(TestBackend backend) {
        Backend be = backend.get();
        try (Sequential m = classifier(be)) {
            m.pop();
            m.add(new Dense(2, "softmax"));
            assertEquals("dense_1", m.layers().get(1).name());
            assertEquals(2, m.outputFeatures());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void monteCarloDropoutGivesSpreadOnlyWithDropout(TestBackend backend) {
        Backend be = backend.get();
        try (Sequential m = new Sequential(be, 4, 3)) {
            m.add(new Dense(32, "relu")).add(new Dropout(0.5f)).add(new Dense(3, "softmax"));
            m.compile(Losses.create("sparse_categorical_crossentropy"), Adam.builder().learningRate(0.01f).build(),
                    List.of());
            float[][] r = m.predictMonteCarlo(blobs(5, 3).x(), 5, 20);
            double spread = 0;
            for (float s : r[1]) {
                spread += s;
            }
            assertTrue(spread > 0, "MC dropout std should be positive");
            float[] plain = m.predict(blobs(5, 3).x(), 5);
            assertEquals(15, plain.length);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void earlyStoppingStopsAndSaysWhy(TestBackend backend) {
        Backend be = backend.get();
        try (Sequential m = classifier(be)) {
            EarlyStopping es = new EarlyStopping("loss", 10.0, 2, true);
            History h = m.fit(blobs(100, 1), FitConfig.builder().epochs(20).callback(es).build());
            assertTrue(h.epochs() < 20, "should stop early, ran " + h.epochs());
            assertNotNull(h.stopReason());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(BACKENDS)
    void wrongInputWidthIsAClearError(TestBackend backend) {
        Backend be = backend.get();
        try (Sequential m = classifier(be)) {
            EncodedData bad = new EncodedData(new float[10 * 5], new float[10], 10);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.fit(bad, FitConfig.builder().build()));
            assertTrue(e.getMessage().contains("5 features") && e.getMessage().contains("[4]"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource(BACKENDS)
    void predictRefusesInputsThatAreNotNRowsOfTheInputFeatures(TestBackend backend) {
        try (Sequential m = classifier(backend.get())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.predict(new float[10], 3));
            assertTrue(e.getMessage().contains("x has 10 values, but 3 rows of 4 input features need 12"), e.getMessage());
            assertEquals(6, m.predict(new float[8], 2).length);
        }
    }
}
