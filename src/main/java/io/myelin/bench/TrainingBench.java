package io.myelin.bench;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.loss.Loss;
import io.myelin.nn.Layer;
import io.myelin.train.FitConfig;
import io.myelin.train.History;
import io.myelin.train.ModelSpec;
import io.myelin.train.Sequential;

import java.util.StringJoiner;

/**
 * Training time of a model through the normal {@link Sequential#fit} path, as users get it: the data
 * are in memory, batches are reshuffled every epoch, loss and accuracy are accumulated as in any run.
 * Epoch mode runs one warm-up epoch and then {@code epochs} timed ones, and reports the test accuracy
 * on Fashion-MNIST; step mode times {@code steps} steps after {@code warmupSteps} (the scaling sweep).
 *
 * <pre>{@code
 * BenchResult r = TrainingBench.run(BenchConfig.epochs(List.of(256, 128), "fashion-mnist", 128, 3));
 * System.out.println(r.toJson());
 * }</pre>
 */
public final class TrainingBench {
    /** Step mode keeps at most this many synthetic rows (unless one batch is larger): 784 floats each is ~50 MB. */
    static final int STEP_MODE_ROWS = 16_384;

    private TrainingBench() {
    }

    public static BenchResult run(BenchConfig c) {
        ModelSpec fileSpec = c.modelSpec() == null ? null : ModelSpec.read(c.modelSpec());
        BenchData data = load(c, fileSpec == null ? c.features() : fileSpec.inputFeatures());
        ModelSpec spec = fileSpec != null ? fileSpec : MlpSpec.of(data.features(), c.hidden(), data.classes());
        if (spec.loss().targetKind() != Loss.TargetKind.SPARSE_CLASSES) {
            throw new IllegalArgumentException("bench feeds class indices: the model's loss must be "
                    + "sparse_categorical_crossentropy, not '" + spec.loss().name() + "'");
        }
        try (Backend be = Backends.create(c.backend()); Sequential net = spec.build(be, c.seed())) {
            if (net.outputFeatures() < data.classes()) {
                throw new IllegalArgumentException("the model has " + net.outputFeatures() + " outputs but the "
                        + data.name() + " data have " + data.classes() + " classes");
            }
            int n = data.train().n();
            int batch = Math.min(c.batchSize(), n);
            long stepsPerEpoch = (n + batch - 1) / batch;
            // a device whose reads wait for it is timed per step with a sync; a CPU step has finished on return
            boolean cpu = !be.capabilities().readWaitsForDevice();
            StepTimer timer;
            int epochs;
            if (c.stepMode()) {
                long total = (long) c.warmupSteps() + c.steps();
                epochs = Math.toIntExact((total + stepsPerEpoch - 1) / stepsPerEpoch);
                timer = new StepTimer(c.warmupSteps(), c.steps(), !cpu);
            } else {
                epochs = c.epochs() + 1;
                timer = new StepTimer(stepsPerEpoch, cpu ? Math.toIntExact(c.epochs() * stepsPerEpoch) : 0, false);
            }
            History h = net.fit(data.train(), FitConfig.builder().epochs(epochs).batchSize(batch).callback(timer).build());
            double[] epochSeconds = c.stepMode() ? new double[0]
                    : h.get("epoch_seconds").stream().skip(1).mapToDouble(Double::doubleValue).toArray();
            double trainLoss = h.last("loss");
            Double accuracy = !c.stepMode() && data.test() != null ? net.evaluate(data.test()).get("accuracy") : null;
            return new BenchResult(be.capabilities().label(be.name()), be.description(), runtime(), data.name(), layers(net),
                    net.parameters().stream().mapToLong(p -> p.value().size()).sum(), batch,
                    c.stepMode() ? "steps" : "epochs", c.stepMode() ? c.warmupSteps() : 1, epochSeconds,
                    timer.millis(), accuracy, trainLoss, PeakRss.mebibytes().orElse(Double.NaN));
        }
    }

    private static BenchData load(BenchConfig c, int features) {
        if (c.data().equals(BenchConfig.FASHION_MNIST)) {
            return BenchData.fashionMnist();
        }
        int rows = c.stepMode()
                ? (int) Math.min((long) c.warmupSteps() + c.steps(), Math.max(1, STEP_MODE_ROWS / c.batchSize())) * c.batchSize()
                : c.samples();
        return BenchData.synthetic(rows, features, c.classes(), c.seed());
    }

    /** "784-256-128-10": the input width and each dense layer's width (other layers keep the width). */
    static String layers(Sequential net) {
        StringJoiner j = new StringJoiner("-");
        j.add(Integer.toString(net.inputFeatures()));
        for (Layer l : net.layers()) {
            if (l.type().equals("dense")) {
                j.add(Integer.toString(l.outputFeatures()));
            }
        }
        return j.toString();
    }

    static String runtime() {
        return "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")";
    }
}
