package io.myelin.train;

import io.myelin.backend.Backend;
import io.myelin.io.NamedTensor;
import io.myelin.io.SafeTensorsFile;
import io.myelin.loss.Losses;
import io.myelin.nn.BatchNormalization;
import io.myelin.nn.Conv2D;
import io.myelin.nn.Dense;
import io.myelin.nn.Dropout;
import io.myelin.nn.Flatten;
import io.myelin.nn.MaxPool2D;
import io.myelin.optim.Adam;
import io.myelin.optim.Momentum;
import io.myelin.optim.Optimizer;
import io.myelin.optim.RmsProp;
import io.myelin.random.SeededRandom;
import io.myelin.saving.Checkpoints;
import io.myelin.saving.ModelCheckpoint;
import io.myelin.saving.ModelFiles;
import io.myelin.saving.OptimizerFiles;
import io.myelin.schedule.OneCycle;
import io.myelin.schedule.StepDecay;
import io.myelin.testing.TestBackend;
import io.myelin.testing.TestBackends;
import io.myelin.train.callbacks.LearningRateScheduler;
import io.myelin.train.callbacks.ReduceLrOnPlateau;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Resume from a checkpoint continues the same trajectory": E epochs straight and k epochs, checkpoint to
 * files, a fresh model loaded from them, resumed to E, must agree bit for bit in weights (incl. batch-norm
 * running statistics), optimizer state and every per-epoch value. The models shuffle, use dropout and batch
 * norm, and a schedule or a stateful callback. Runs on every backend present (CUDA is skipped without a GPU).
 */
class ResumeTest {
    private static final int N = 200;           // 13 batches of 16, the last one partial
    private static final int BATCH = 16;
    private static final int EPOCHS = 6;
    private static final long SEED = 11;

    @TempDir
    Path tmp;

    /** A model and the callbacks of one run (fresh instances for each run segment). */
    record Case(String name, Supplier<Optimizer> optimizer, Supplier<List<Callback>> callbacks, double validationSplit,
                boolean cnn) {
        Case(String name, Supplier<Optimizer> optimizer, Supplier<List<Callback>> callbacks, double validationSplit) {
            this(name, optimizer, callbacks, validationSplit, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static long stepsPerEpoch(double validationSplit) {
        int train = N - (int) Math.round(N * validationSplit);
        return (train + BATCH - 1) / BATCH;
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("adam + step decay", () -> Adam.builder().learningRate(0.01f).build(),
                        () -> List.of(new LearningRateScheduler(new StepDecay(0.01f, 0.5f, 2))), 0),
                new Case("sgd momentum + 1cycle", () -> Momentum.builder().learningRate(0.05f).momentum(0.9f).build(),
                        () -> List.of(new LearningRateScheduler(OneCycle.of(0.1f, EPOCHS * stepsPerEpoch(0)))), 0),
                new Case("rmsprop + reduce on plateau, validation split",
                        () -> RmsProp.builder().learningRate(0.01f).build(),
                        () -> List.of(new ReduceLrOnPlateau("val_loss", 0.5f, 1, 0.5, 1e-5f)), 0.2),
                new Case("cnn (conv2d, batchnorm2d, maxpool2d) + adam + step decay",
                        () -> Adam.builder().learningRate(0.01f).build(),
                        () -> List.of(new LearningRateScheduler(new StepDecay(0.01f, 0.5f, 2))), 0, true));
    }

    static Stream<TestBackend> backends() {
        return TestBackends.available();
    }

    static Stream<Arguments> casesOnBackends() {
        return TestBackends.withEach(cases());
    }

    static EncodedData blobs(long seed) {
        SeededRandom r = new SeededRandom(seed, 5);
        float[] x = new float[N * 4];
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            int c = r.nextInt(3);
            y[i] = c;
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) (r.nextGaussian() * 1.2 + (j == c ? 1.5 : 0));
            }
        }
        return new EncodedData(x, y, N);
    }

    private static Sequential model(Backend be, Case c) {
        if (c.cnn()) {   // the 4 features as a 1x2x2 image
            Sequential m = new Sequential(be, new int[] {1, 2, 2}, SEED);
            m.add(new Conv2D(6, 2, "relu").padding(true)).add(new BatchNormalization(0.9f, 1e-3f, true, true, false))
                    .add(new Dropout(0.25f)).add(new MaxPool2D(2)).add(new Flatten()).add(new Dense(3, "softmax"));
            m.compile(Losses.create("sparse_categorical_crossentropy"), c.optimizer().get(), List.of("accuracy"));
            return m;
        }
        Sequential m = new Sequential(be, 4, SEED);
        m.add(new Dense(16, "relu")).add(new BatchNormalization(0.9f, 1e-3f, true, true, false))
                .add(new Dropout(0.25f)).add(new Dense(3, "softmax"));
        m.compile(Losses.create("sparse_categorical_crossentropy"), c.optimizer().get(), List.of("accuracy"));
        return m;
    }

    private static FitConfig.Builder config(Case c, int epochs, List<Callback> callbacks) {
        FitConfig.Builder b = FitConfig.builder().epochs(epochs).batchSize(BATCH).shuffle(true)
                .validationSplit(c.validationSplit());
        callbacks.forEach(b::callback);
        return b;
    }

    /** Weights, optimizer state and history at the end of a run. */
    record Outcome(Map<String, NamedTensor> weights, SafeTensorsFile optimizer, Map<String, List<Double>> history) {
        static Outcome of(Sequential m, History h) {
            return new Outcome(ModelFiles.exportTensors(m), OptimizerFiles.export(m), withoutTimes(h.all()));
        }
    }

    private static Map<String, List<Double>> withoutTimes(Map<String, List<Double>> h) {
        Map<String, List<Double>> out = new java.util.LinkedHashMap<>(h);
        out.remove("epoch_seconds");
        return out;
    }

    private static Outcome straight(Backend be, Case c) {
        try (Sequential m = model(be, c)) {
            return Outcome.of(m, m.fit(blobs(3), config(c, EPOCHS, c.callbacks().get()).build()));
        }
    }

    private static Outcome resumed(Backend be, Case c, int k, Path dir) {
        try (Sequential first = model(be, c)) {
            first.fit(blobs(3), config(c, k, c.callbacks().get()).build());
            Checkpoints.save(first, dir);
        }
        try (Sequential second = model(be, c)) {
            ResumeState s = Checkpoints.load(second, dir);
            assertEquals(k, s.epochsCompleted());
            History h = second.fit(blobs(3), config(c, EPOCHS, c.callbacks().get()).resumeFrom(s).build());
            assertEquals(EPOCHS, h.epochs(), "the resumed history holds every epoch");
            return Outcome.of(second, h);
        }
    }

    private static void assertSameTrajectory(Outcome expected, Outcome actual) {
        assertEquals(expected.history(), actual.history(), "per-epoch loss, metrics and lr");
        assertEquals(expected.weights().keySet(), actual.weights().keySet());
        expected.weights().forEach((name, t) -> assertEquals(t, actual.weights().get(name), "weights " + name));
        assertEquals(expected.optimizer().metadata(), actual.optimizer().metadata(), "optimizer step, lr, momentum");
        assertEquals(expected.optimizer().tensors().keySet(), actual.optimizer().tensors().keySet());
        expected.optimizer().tensors().forEach((name, t) ->
                assertEquals(t, actual.optimizer().tensors().get(name), "optimizer state " + name));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("casesOnBackends")
    void resumingFromFilesIsBitIdenticalToTrainingStraight(TestBackend backend, Case c) {
        Backend be = backend.get();
        Outcome straight = straight(be, c);
        assertTrue(straight.optimizer().tensors().size() > 0 || c.name().startsWith("sgd "), "state was exported");
        for (int k : new int[] {1, 4}) {
            assertSameTrajectory(straight, resumed(be, c, k, tmp.resolve(backend + "-" + k)));
        }
    }

    /** A callback that simulates a crash at the start of one epoch. */
    private record CrashAt(int epoch) implements Callback {
        @Override
        public void onEpochBegin(TrainingState state, int e) {
            if (e == epoch) {
                throw new IllegalStateException("simulated crash at epoch " + e);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void modelCheckpointOfAnInterruptedRunResumesBitIdentically(TestBackend backend) {
        Case c = cases().filter(x -> x.name().startsWith("rmsprop")).findFirst().orElseThrow();
        Path dir = tmp.resolve("ckpt-" + backend);
        Backend be = backend.get();
        Outcome expected;
        try (Sequential m = model(be, c)) {
            List<Callback> cbs = new ArrayList<>(c.callbacks().get());
            cbs.add(new ModelCheckpoint(dir));
            expected = Outcome.of(m, m.fit(blobs(3), config(c, EPOCHS, cbs).build()));
        }
        try (Sequential m = model(be, c)) {
            List<Callback> cbs = new ArrayList<>(c.callbacks().get());
            cbs.add(new ModelCheckpoint(dir));
            cbs.add(new CrashAt(3));
            assertThrows(IllegalStateException.class, () -> m.fit(blobs(3), config(c, EPOCHS, cbs).build()));
        }
        try (Sequential m = model(be, c)) {
            ResumeState s = Checkpoints.load(m, dir);
            assertEquals(3, s.epochsCompleted());
            assertTrue(s.callbacks().containsKey("ReduceLrOnPlateau#0"), s.callbacks().toString());
            List<Callback> cbs = new ArrayList<>(c.callbacks().get());
            cbs.add(new ModelCheckpoint(dir));
            assertSameTrajectory(expected, Outcome.of(m, m.fit(blobs(3), config(c, EPOCHS, cbs).resumeFrom(s).build())));
        }
        assertNotEquals(expected.history().get("lr").get(0), expected.history().get("lr").get(EPOCHS - 1),
                "reduce-on-plateau changed the lr, so its state mattered");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void resumeChecksTheModelAndTheEpochs(TestBackend backend) {
        Case c = cases().findFirst().orElseThrow();
        Path dir = tmp.resolve("ckpt-checks-" + backend);
        Backend be = backend.get();
        try (Sequential m = model(be, c)) {
            assertThrows(IllegalStateException.class, () -> Checkpoints.save(m, dir), "nothing trained yet");
            m.fit(blobs(3), config(c, 2, List.of()).build());
            Checkpoints.save(m, dir);
        }
        for (String f : new String[] {Checkpoints.WEIGHTS, Checkpoints.OPTIMIZER, Checkpoints.STATE}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        try (Sequential m = model(be, c)) {
            ResumeState s = Checkpoints.load(m, dir);
            assertEquals(26, m.globalStep());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> config(c, 2, List.of()).resumeFrom(s).build());
            assertTrue(e.getMessage().contains("epochs must be larger than the initial epoch"), e.getMessage());
            m.setGlobalStep(0);
            e = assertThrows(IllegalArgumentException.class,
                    () -> m.fit(blobs(3), config(c, 4, List.of()).resumeFrom(s).build()));
            assertTrue(e.getMessage().contains("load the checkpoint"), e.getMessage());
        }
        try (Sequential other = new Sequential(be, 4, SEED + 1)) {
            other.add(new Dense(3, "softmax"));
            other.compile(Losses.create("sparse_categorical_crossentropy"), Adam.builder().learningRate(0.01f).build(),
                    List.of());
            var e = assertThrows(io.myelin.io.ModelFileException.class, () -> Checkpoints.load(other, dir));
            assertTrue(e.getMessage().contains("seed"), e.getMessage());
        }
        try (Sequential other = new Sequential(be, 4, SEED)) {
            other.add(new Dense(3, "softmax"));
            other.compile(Losses.create("sparse_categorical_crossentropy"), Adam.builder().learningRate(0.01f).build(),
                    List.of());
            var e = assertThrows(io.myelin.io.ModelFileException.class, () -> Checkpoints.load(other, dir));
            assertTrue(e.getMessage().contains("does not exist in the model (nor do 5 more of the file's: "), e.getMessage());
            assertFalse(other.globalStep() > 0, "a failed load changes nothing");
        }
        try (Sequential wider = new Sequential(be, 4, SEED)) {
            wider.add(new Dense(17, "relu")).add(new BatchNormalization(0.9f, 1e-3f, true, true, false))
                    .add(new Dropout(0.25f)).add(new Dense(3, "softmax"));
            wider.compile(Losses.create("sparse_categorical_crossentropy"), c.optimizer().get(), List.of("accuracy"));
            var e = assertThrows(io.myelin.io.ModelFileException.class, () -> Checkpoints.load(wider, dir));
            assertEquals(dir.resolve(Checkpoints.WEIGHTS) + ": tensor 'dense_0.weight' has shape [16, 4] but the model "
                    + "expects [17, 4] (and 6 more tensors of another shape: dense_0.bias, batchnorm_0.weight, "
                    + "batchnorm_0.bias, batchnorm_0.running_mean, batchnorm_0.running_var, dense_1.weight); the file "
                    + "holds the weights of a model with other layer sizes than this one", e.getMessage(),
                    "the first layer that differs is named, in layer order");
        }
        try (Sequential uncompiled = new Sequential(be, 4, SEED)) {
            uncompiled.add(new Dense(16, "relu")).add(new BatchNormalization(0.9f, 1e-3f, true, true, false))
                    .add(new Dropout(0.25f)).add(new Dense(3, "softmax"));
            var e = assertThrows(IllegalStateException.class, () -> Checkpoints.load(uncompiled, dir));
            assertTrue(e.getMessage().startsWith("Checkpoints.load restores the optimizer's state as well as the weights, "
                    + "so the model must be compiled first") && e.getMessage().contains("ModelFiles.loadInitialWeights"),
                    e.getMessage());
            assertEquals(List.of("dense_0.weight", "dense_0.bias", "batchnorm_0.weight", "batchnorm_0.bias",
                    "batchnorm_0.running_mean", "batchnorm_0.running_var", "dense_1.weight", "dense_1.bias"),
                    ModelFiles.loadInitialWeights(uncompiled, dir.resolve(Checkpoints.WEIGHTS)).loaded(),
                    "the weights alone load without compile");
        }
        io.myelin.io.OutputWriteException w = assertThrows(io.myelin.io.OutputWriteException.class, () -> {
            try (Sequential m = model(be, c)) {
                ModelFiles.saveWeights(m, Path.of("/proc/myelin-weights.safetensors"));
            }
        });
        assertTrue(w.getMessage().startsWith("cannot write /proc/myelin-weights.safetensors: ")
                && !w.getMessage().contains("java."), "the reason in words, no class name: " + w.getMessage());
    }
}
