package io.myelin.train;

import io.myelin.backend.Backend;
import io.myelin.loss.Losses;
import io.myelin.nn.Dense;
import io.myelin.optim.Adam;
import io.myelin.optim.Optimizer;
import io.myelin.testing.EmulatorCounters;
import io.myelin.testing.EmulatorCounters.Snapshot;
import io.myelin.testing.UseBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md principle 6, "the GPU is never waited on in the hot loop", as a test: the CUDA emulator counts
 * every host-device synchronization and device-to-host copy, and a callback reads the counters around each
 * step. Between progress ticks a step neither waits nor reads; a tick reads the running loss (one copy,
 * one wait); an epoch end reads the loss and each metric, and with validation data the validation loss
 * and metrics; an epoch start downloads the weights it may restore. With and without L1/L2, clipnorm and
 * validation data. Needs the emulator's counters, so it runs in the cuda-emulated surefire execution.
 */
class StepSynchronizationTest {
    private static final int N = 6400;
    private static final int BATCH = 32;
    private static final int EPOCHS = 2;

    record Case(String name, boolean penalty, float clipNorm, double validationSplit) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(new Case("plain", false, 0, 0), new Case("L1/L2", true, 0, 0),
                new Case("clipnorm", false, 1f, 0), new Case("validation", false, 0, 0.2),
                new Case("L1/L2 + clipnorm + validation", true, 0.5f, 0.2));
    }

    /** Counter differences around every step and epoch boundary. */
    private static final class Recorder implements Callback {
        final List<Snapshot> during = new ArrayList<>();
        final List<Snapshot> between = new ArrayList<>();
        final List<Snapshot> epochEnds = new ArrayList<>();
        final List<Snapshot> epochStarts = new ArrayList<>();
        private Snapshot mark;
        private Snapshot lastEnd;

        @Override
        public void onEpochBegin(TrainingState state, int epoch) {
            Snapshot now = EmulatorCounters.read();
            if (lastEnd != null) {
                epochStarts.add(now.minus(lastEnd));
            }
            mark = null;
            lastEnd = now;
        }

        @Override
        public void onBatchBegin(TrainingState state, long step) {
            Snapshot now = EmulatorCounters.read();
            if (mark != null) {
                between.add(now.minus(lastEnd));
            }
            mark = now;
        }

        @Override
        public void onBatchEnd(TrainingState state, long step) {
            lastEnd = EmulatorCounters.read();
            during.add(lastEnd.minus(mark));
        }

        @Override
        public void onEpochEnd(TrainingState state, int epoch, Map<String, Double> logs) {
            Snapshot now = EmulatorCounters.read();
            epochEnds.add(now.minus(lastEnd));
            lastEnd = now;
        }
    }

    static EncodedData data() {
        return SequentialTest.blobs(N, 11);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theDeviceIsWaitedOnOnlyAtProgressTicksAndEpochEnds(Case c, @UseBackend("cuda") Backend be) {
        Assumptions.assumeTrue(EmulatorCounters.available(be),
                "counts need the CUDA emulator's counters; this cuda backend is a real device");
        try (Sequential m = new Sequential(be, 4, 3)) {
            m.add(new Dense(32, "relu").regularize(c.penalty() ? 1e-4f : 0f, c.penalty() ? 1e-3f : 0f))
                    .add(new Dense(3, "softmax").regularize(0f, c.penalty() ? 1e-3f : 0f));
            Optimizer opt = Adam.builder().learningRate(0.01f).clipNorm(c.clipNorm()).build();
            m.compile(Losses.create("sparse_categorical_crossentropy"), opt, List.of("accuracy"));
            Recorder rec = new Recorder();
            History h = m.fit(data(), FitConfig.builder().epochs(EPOCHS).batchSize(BATCH)
                    .validationSplit(c.validationSplit()).callback(rec).build());
            assertTrue(h.last("loss") < h.get("loss").get(0) || h.last("accuracy") > 0.9, "it trained: " + h.all());

            int train = N - (int) Math.round(N * c.validationSplit());
            int steps = (train + BATCH - 1) / BATCH;
            long tick = Math.max(1, steps / 50);
            assertEquals(EPOCHS * steps, rec.during.size(), "steps recorded");
            int quiet = 0;
            for (int i = 0; i < rec.during.size(); i++) {
                int s = i % steps;
                boolean isTick = (s + 1) % tick == 0 || s == steps - 1;
                Snapshot d = rec.during.get(i);
                int expected = isTick ? 1 : 0;   // a tick reads the running loss: one copy, one wait
                assertEquals(expected, d.d2h(), c + ": device-to-host copies in step " + i + " (" + d + ")");
                assertEquals(expected, d.syncs(), c + ": synchronizations in step " + i + " (" + d + ")");
                assertTrue(d.launches() > 0, "the step ran kernels");
                quiet += isTick ? 0 : 1;
            }
            assertTrue(quiet >= EPOCHS * steps / 2, "most steps fall between ticks: " + quiet);
            for (Snapshot b : rec.between) {
                assertEquals(0, b.d2h(), c + ": copies between steps (" + b + ")");
                assertEquals(0, b.syncs(), c + ": synchronizations between steps (" + b + ")");
            }
            int metrics = m.metrics().size();
            int reads = 1 + metrics + (c.validationSplit() > 0 ? 1 + metrics : 0);
            for (Snapshot e : rec.epochEnds) {
                assertEquals(reads, e.d2h(), c + ": epoch-end reads: loss, metrics, validation (" + e + ")");
                assertEquals(reads, e.syncs(), c + ": epoch-end synchronizations (" + e + ")");
            }
            int tensors = m.namedTensors().size();
            for (Snapshot e : rec.epochStarts) {
                assertEquals(tensors, e.d2h(), c + ": epoch start downloads the weights it may restore (" + e + ")");
            }
            System.out.printf("step synchronization (%s): %d steps, %d between ticks with 0 syncs and 0 copies;"
                    + " a tick 1 + 1, an epoch end %d + %d%n", c, rec.during.size(), quiet, reads, reads);
        }
    }
}
