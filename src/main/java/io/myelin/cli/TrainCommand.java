package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.data.Dataset;
import io.myelin.data.FeatureStats;
import io.myelin.io.CheckpointCommit;
import io.myelin.loss.Loss;
import io.myelin.nn.Shapes;
import io.myelin.saving.Checkpoints;
import io.myelin.saving.ModelFiles;
import io.myelin.schedule.Schedules;
import io.myelin.train.EncodedData;
import io.myelin.train.FitConfig;
import io.myelin.train.History;
import io.myelin.train.ModelSpec;
import io.myelin.train.ResumeState;
import io.myelin.train.Sequential;
import io.myelin.train.TrainingDivergedException;
import io.myelin.train.callbacks.LearningRateScheduler;
import io.myelin.train.callbacks.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code myelin train}: trains a model on a dataset and writes the run directory, a resumable checkpoint after
 * every {@code --checkpoint-every} epochs ({@link RunCheckpoints}) and the reports at the end; with {@code
 * --resume RUN_DIR} continues such a run from its checkpoint to {@code --epochs} total epochs.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model (default: an MLP on the built-in digits dataset) and write model.json, "
                + "weights.safetensors, optimizer.safetensors, training_state.json and history.csv to --out after "
                + "every epoch (a resumable checkpoint), metrics.json and curves.png at the end; or continue such a "
                + "run, finished or interrupted, with --resume.")
final class TrainCommand implements Callable<Integer> {
    /** Options that decide which model trains on which samples; a resumed run keeps the ones it started with. */
    private static final List<String> KEPT_BY_RESUME = List.of("--model", "--init-weights", "--seed", "--validation-split",
            "--task", "--test-data", "--test-split", "--scale-targets", "--no-header", "--delimiter");

    @Mixin
    TrainingInputs inputs;

    @Mixin
    SeedOption seed;

    @Mixin
    BackendOption backend;

    @Option(names = "--test-data", paramLabel = "FILE.csv",
            description = "A separate CSV test file, read like --data (then nothing is split off).")
    String testData;

    @Option(names = "--test-split", paramLabel = "F",
            description = "Fraction of a CSV file (or digits) held out for testing (default: 0.2; 0: train on every row, "
                    + "no test metric).")
    Double testSplit;

    @Option(names = "--scale-targets",
            description = "Standardize regression targets (z-score with the training mean and std, saved in model.json "
                    + "and undone by predict).")
    boolean scaleTargets;

    @Option(names = "--force", description = "Write into an --out directory that already holds a run, replacing it.")
    boolean force;

    @Option(names = "--epochs", defaultValue = "30",
            description = "Epochs in total (default: ${DEFAULT-VALUE}; with --resume: the run's original epochs).")
    int epochs;

    @Option(names = "--no-shuffle", description = "Keep the data order every epoch.")
    boolean noShuffle;

    @Option(names = "--validation-split", defaultValue = "0",
            description = "Fraction of the training part held out to report val_ metrics each epoch (default: 0, none).")
    double validationSplit;

    @Option(names = "--init-weights", description = "safetensors file whose tensors replace the initial ones by name.")
    Path initWeights;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue the run in RUN_DIR to --epochs total epochs with its saved spec, seed, "
                    + "normalization, batch size, shuffling, validation split and data (--data, --label-column, "
                    + "--batch-size, --no-shuffle override them); writes to RUN_DIR unless --out is given.")
    Path resume;

    @Option(names = "--out", description = "Output directory (default: runs/<timestamp>; with --resume: RUN_DIR).")
    Path out;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "1",
            description = "Make the output directory a resumable checkpoint after every N-th epoch (default: "
                    + "${DEFAULT-VALUE}; 0: only at the end).")
    int checkpointEvery;

    @Spec
    CommandSpec commandSpec;

    /** Train and test data with their description; features already normalized. */
    record LoadedData(Dataset train, Dataset test, String description, Map<String, Object> normalization,
                      DataProfile profile, DataSettings settings) {
    }

    /** Everything one run needs, fresh or resumed ({@code resumed} null for a fresh run). */
    private record Run(ModelSpec spec, long seed, LoadedData data, String dataSource, String labelColumn, int epochs,
                       int batchSize, boolean shuffle, double validationSplit, Long scheduleSteps, ResumeRun resumed,
                       Path outDir, boolean reportsOnly) {
    }

    @Override
    public Integer call() {
        if (resume != null) {
            for (String option : KEPT_BY_RESUME) {
                if (given(option)) {
                    throw new UserError(option + " cannot be combined with --resume: a resumed run keeps the model, "
                            + "weights, seed, validation split and the way its data is read and split");
                }
            }
        }
        if (epochs < 1) {
            throw new UserError("--epochs must be at least 1, got " + epochs);
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new UserError("--validation-split must be at least 0 and below 1, got " + validationSplit);
        }
        backend.check();
        inputs.check();
        if (checkpointEvery < 0) {
            throw new UserError("--checkpoint-every must be a number of epochs (0: only at the end), got "
                    + checkpointEvery);
        }
        if (out != null) {
            OutputDirectory.checkWritable(out);
        }
        Run run = resume != null ? resumedRun() : freshRun();
        System.err.println(run.data().profile().taskLine());
        return execute(run);
    }

    private boolean given(String option) {
        return commandSpec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private Run freshRun() {
        Path outDir = out != null ? out
                : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        refuseExistingRun(outDir);
        if (out == null) {
            OutputDirectory.checkWritable(outDir);
        }
        ModelSpec userSpec = inputs.spec();
        DataSettings d = inputs.settings();
        DataSettings settings = new DataSettings(d.data(), d.labelColumn(), d.header(), d.delimiter(), d.task(), testData,
                testSplit, scaleTargets);
        LoadedData loaded = DataSources.load(settings, seed.value(), userSpec == null ? null : userSpec.normalization());
        ModelSpec spec = userSpec != null ? userSpec : DataSources.defaultSpec(loaded.train());
        return new Run(spec, seed.value(), loaded, inputs.data, inputs.csv.labelColumn, epochs, inputs.batchSize,
                !noShuffle, validationSplit, null, null, outDir, false);
    }

    /** A fresh run does not write over a directory holding another run's files unless --force is given. */
    private void refuseExistingRun(Path outDir) {
        if (force) {
            return;
        }
        for (String f : new String[] {"model.json", Checkpoints.WEIGHTS, CheckpointCommit.MANIFEST}) {
            if (Files.exists(outDir.resolve(f))) {
                throw new UserError("--out " + outDir + " already holds a run (" + f + "); choose another directory, "
                        + "add --force to replace it, or continue it with --resume " + outDir);
            }
        }
    }

    /** The saved run, with --epochs, --data, --label-column, --batch-size and --no-shuffle applied where given. */
    private Run resumedRun() {
        ResumeRun r = ResumeRun.read(resume);
        ResumeState st = r.state();
        int total = given("--epochs") ? epochs : st.epochs();
        Path outDir = out != null ? out : resume;
        // A finished run whose final write failed lacks its reports: they are written without training more.
        boolean reportsOnly = total == st.epochsCompleted() && (!given("--epochs") || total == st.epochs())
                && outDir.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize())
                && (!Files.isRegularFile(outDir.resolve("metrics.json")) || !Files.isRegularFile(outDir.resolve("curves.png")));
        if (total <= st.epochsCompleted() && !reportsOnly) {
            throw new UserError(given("--epochs")
                    ? "--epochs " + total + " must be larger than the " + st.epochsCompleted() + " epochs " + resume
                            + " has already done (--epochs counts the total)"
                    : resume + " has already done all " + st.epochsCompleted() + " of its epochs; give --epochs N with N > "
                            + st.epochsCompleted() + " to train further");
        }
        String source = given("--data") ? inputs.data : r.data();
        String label = given("--label-column") ? inputs.csv.labelColumn : r.labelColumn();
        Map<?, ?> training = r.modelJson().get("training") instanceof Map<?, ?> t ? t : Map.of();
        DataSettings settings = DataSettings.fromMap(training).withData(source).withLabelColumn(label);
        LoadedData loaded = DataSources.loadSaved(settings, r.seed(), r.modelJson());
        return new Run(r.spec(), r.seed(), loaded, source, label, total, given("--batch-size") ? inputs.batchSize : st.batchSize(),
                !noShuffle && st.shuffle(), st.validationSplit(), r.scheduleSteps(), r, outDir, reportsOnly);
    }

    private Integer execute(Run run) {
        // The spec is checked whole against the data before a backend starts: a mistake is the first line printed.
        int outputs = checkAgainstData(run.spec(), run.data());
        Loss specLoss = run.spec().loss();
        EncodedData train = DataSources.encode(run.data().train(), specLoss, outputs, "training data");
        EncodedData test = run.data().test() == null ? null
                : DataSources.encode(run.data().test(), specLoss, outputs, "test data");
        try (Backend be = backend.create(); Sequential net = run.spec().build(be, run.seed())) {
            if (net.outputFeatures() != outputs) {
                throw new IllegalStateException("the spec's output shape has " + outputs + " features but the built "
                        + "model has " + net.outputFeatures());
            }
            ResumeState resumeFrom = null;
            if (run.resumed() != null) {
                resumeFrom = Checkpoints.load(net, run.resumed().dir());
            } else if (initWeights != null) {
                ModelFiles.loadInitialWeights(net, initWeights).report().forEach(System.err::println);
            }
            System.err.println("data: " + run.data().description() + "; model: " + net.summaryLine() + "; backend: "
                    + be.capabilities().label(be.name()));
            FitConfig.Builder cfg = FitConfig.builder().epochs(run.epochs()).batchSize(run.batchSize())
                    .shuffle(run.shuffle()).validationSplit(run.validationSplit()).callback(new ProgressBar(System.err));
            if (resumeFrom != null && !run.reportsOnly()) {
                cfg.resumeFrom(resumeFrom);
                System.err.println("resuming " + run.resumed().dir() + " at epoch " + (resumeFrom.epochsCompleted() + 1)
                        + " of " + run.epochs() + " (global step " + resumeFrom.globalStep() + ")");
            }
            Map<String, Object> schedule = run.spec().lrSchedule();
            Long scheduleSteps = run.scheduleSteps();
            if (schedule != null) {
                // The schedule keeps the length it was planned with, so a resumed run follows the same curve.
                long steps = scheduleSteps != null ? scheduleSteps
                        : (long) run.epochs() * ((train.n() + run.batchSize() - 1) / run.batchSize());
                scheduleSteps = steps;
                cfg.callback(new LearningRateScheduler(Schedules.fromSpec(schedule, net.optimizer().baseLearningRate(), steps)));
            }
            Map<String, Object> training = new LinkedHashMap<>();
            training.putAll(run.data().settings().toMap());
            training.put("lr_schedule_steps", scheduleSteps);
            Path outDir = run.outDir();
            // Everything was checked: now finish an interrupted commit and remove stale temporaries.
            CheckpointCommit.recover(outDir);
            if (run.reportsOnly()) {
                writeReports(run, be, net, test, training, History.of(resumeFrom.history()));
                return 0;
            }
            boolean inPlace = run.resumed() != null
                    && outDir.toAbsolutePath().normalize().equals(run.resumed().dir().toAbsolutePath().normalize());
            try (RunCheckpoints checkpoints = new RunCheckpoints(outDir, checkpointEvery, run.epochs(),
                    inPlace ? resumeFrom.epochsCompleted() : -1,
                    model -> RunOutputs.checkpointFiles(outDir, run.spec(), model, run.data(), training))) {
                System.err.println(checkpoints.describe());
                cfg.callback(checkpoints);
                finish(run, be, net, cfg.build(), train, test, training, checkpoints);
            }
        }
        return 0;
    }

    /**
     * The model's outputs per sample, from the spec's layer shapes ({@link ModelSpec#outputShape}); refuses a spec
     * whose input_shape does not fit the data: another number of values per sample, or images of another shape
     * (e.g. channels last, [28, 28, 1], for channels-first [1, 28, 28] images).
     */
    static int checkAgainstData(ModelSpec spec, LoadedData data) {
        int[] out = spec.outputShape();
        int[] shape = spec.inputShape();
        Dataset train = data.train();
        int[] dataShape = train.featureShape();
        if (dataShape.length == 2) {
            dataShape = new int[] {1, dataShape[0], dataShape[1]};  // grey images (digits, IDX): one channel
        }
        String where = spec.source() == null ? "the model's input_shape " : spec.source() + ": input_shape ";
        if (train.numFeatures() != spec.inputFeatures()) {
            String names = "";
            if (data.profile() != null && data.profile().columns() != null && data.profile().featureStats() != null) {
                List<String> n = data.profile().featureStats().names();
                names = " (" + io.myelin.config.IoMessages.quote(String.join(", ", n), 200) + ")";
            }
            throw new UserError(where + java.util.Arrays.toString(shape) + " takes " + spec.inputFeatures()
                    + " values per sample, but " + data.description().replaceFirst(", \\d+ train.*$", "") + " has "
                    + train.numFeatures() + (dataShape.length == 3 ? " values per sample (images "
                    + java.util.Arrays.toString(dataShape) + ")" : " features") + names);
        }
        if (shape.length == 3 && dataShape.length == 3 && !java.util.Arrays.equals(shape, dataShape)) {
            throw new UserError(where + java.util.Arrays.toString(shape) + " does not match the images, which are "
                    + java.util.Arrays.toString(dataShape) + " (channels, height, width: PyTorch's layout)");
        }
        return Shapes.product(out);
    }

    /** Trains, then writes the final outputs (or, after divergence, the last good state) and reports. */
    private static void finish(Run run, Backend be, Sequential net, FitConfig cfg, EncodedData train, EncodedData test,
                               Map<String, Object> training, RunCheckpoints checkpoints) {
        Path outDir = run.outDir();
        History history;
        try {
            history = net.fit(train, cfg);
        } catch (TrainingDivergedException e) {
            throw diverged(e.getMessage(), outDir, run, net, metrics(be, net, run, null, test), training, checkpoints);
        }
        Map<String, Object> metrics = metrics(be, net, run, history, test);
        checkpoints.write(() -> RunOutputs.write(outDir, run.spec(), net, run.data(), training, history, metrics, true));
        String cost = checkpoints.cost();
        if (cost != null) {
            System.err.println(cost);
        }
        printSummary(outDir, metrics);
        regressionHint(run, net, metrics);
    }

    /**
     * A regression run on unscaled targets whose MSE ends above the training targets' variance did worse than
     * always predicting their mean: targets far from 0 (prices, counts) train slowly at the default rate, so
     * one line suggests --scale-targets.
     */
    private static void regressionHint(Run run, Sequential net, Map<String, Object> metrics) {
        Dataset train = run.data().train();
        if (train.isClassification() || run.data().profile().targetScaling() != null || !"mse".equals(net.loss().name())) {
            return;
        }
        Object loss = metrics.containsKey("test_loss") ? metrics.get("test_loss") : metrics.get("train_loss");
        float[] y = train.targets();
        if (!(loss instanceof Double l) || y.length == 0) {
            return;
        }
        FeatureStats stats = FeatureStats.fit(y, 1, List.of("target"));
        double mean = stats.mean()[0];
        double variance = stats.std()[0] * stats.std()[0];
        if (l > variance) {
            System.err.println(String.format(Locale.ROOT, "note: the %s loss %.4g is above %.4g, the variance of the "
                    + "training targets (what always predicting their mean, %.4g, would score); targets far from 0 "
                    + "train slowly: try --scale-targets (or more --epochs)", metrics.containsKey("test_loss") ? "test"
                    : "training", l, variance, mean));
        }
    }

    private static void printSummary(Path outDir, Map<String, Object> metrics) {
        String summary = metrics.containsKey("test_accuracy")
                ? String.format(Locale.ROOT, "test accuracy: %.4f  test loss: %.4f", (Double) metrics.get("test_accuracy"), (Double) metrics.get("test_loss"))
                : metrics.get("test_mae") instanceof Double mae ? String.format(Locale.ROOT, "test loss: %.4f  test mae: %.4f",
                        (Double) metrics.get("test_loss"), mae)
                : metrics.containsKey("test_loss") ? String.format(Locale.ROOT, "test loss: %.4f", (Double) metrics.get("test_loss"))
                : String.format(Locale.ROOT, "train loss: %.4f (no test data: --test-split 0 trains on every row)",
                        (Double) metrics.get("train_loss"));
        System.out.println(summary);
        System.out.println("wrote " + outDir + " (model.json, weights.safetensors, optimizer.safetensors, "
                + "training_state.json, history.csv, metrics.json, curves.png)");
    }

    /** A finished run whose reports are missing: writes them and the checkpoint again, without training. */
    private static void writeReports(Run run, Backend be, Sequential net, EncodedData test, Map<String, Object> training,
                                     History history) {
        System.err.println(run.outDir() + ": all " + history.epochs() + " epochs were done but the reports were not "
                + "written; writing metrics.json and curves.png without training");
        Map<String, Object> metrics = metrics(be, net, run, history, test);
        RunOutputs.write(run.outDir(), run.spec(), net, run.data(), training, history, metrics, true);
        printSummary(run.outDir(), metrics);
    }

    /** metrics.json: backend, data, and (unless the run diverged) the history's last values and the test results. */
    private static Map<String, Object> metrics(Backend be, Sequential net, Run run, History history, EncodedData test) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("backend", be.capabilities().label(be.name()));
        metrics.put("data", run.data().description());
        metrics.put("task", run.data().profile().task().jsonName());
        if (test == null) {
            metrics.put("test", "none: --test-split 0 trains on every row");
        }
        if (history == null) {
            return metrics;
        }
        metrics.put("epochs", history.epochs());
        metrics.put("epoch_seconds", history.get("epoch_seconds"));
        metrics.put("train_loss", history.last("loss"));
        history.all().forEach((k, v) -> {
            if (!k.equals("epoch_seconds") && !k.equals("loss")) {
                metrics.put("final_" + k, v.get(v.size() - 1));
            }
        });
        if (test != null) {
            Map<String, Double> ev = net.evaluate(test);
            metrics.put("test_loss", ev.get("loss"));
            ev.forEach((k, v) -> {
                if (!k.equals("loss")) {
                    metrics.put("test_" + k, v);
                }
            });
        }
        return metrics;
    }

    /**
     * Saves the last good state of a diverged run and says whether it can be resumed. The model holds the
     * weights of its last completed epoch but mid-epoch optimizer state. If the directory's checkpoint is of
     * that epoch, it is the last good state and stays (only metrics.json is written); otherwise the last good
     * weights are written without optimizer and training state, which would not match them.
     */
    private static TrainingDivergedException diverged(String message, Path outDir, Run run, Sequential net,
                                                      Map<String, Object> metrics, Map<String, Object> training,
                                                      RunCheckpoints checkpoints) {
        int lastGood = net.resumeState() == null ? 0 : net.resumeState().epochsCompleted();
        Path weights = outDir.resolve(Checkpoints.WEIGHTS);
        if (checkpoints.savedEpochs() == lastGood) {
            checkpoints.write(() -> RunOutputs.writeMetrics(outDir, metrics));
            return new TrainingDivergedException(message + " " + outDir + " holds the checkpoint after epoch " + lastGood
                    + ", the last good state: 'scripts/myelin train --resume " + outDir + "' continues it (with the same "
                    + "settings it diverges again at the same step), or start a new run from its weights with "
                    + "--init-weights " + weights);
        }
        checkpoints.write(() -> RunOutputs.write(outDir, run.spec(), net, run.data(), training, null, metrics, false));
        return new TrainingDivergedException(message + " The last good weights were saved to " + outDir
                + " without optimizer and training state, so the run cannot be resumed; start a new run from them with "
                + "--init-weights " + weights);
    }
}
