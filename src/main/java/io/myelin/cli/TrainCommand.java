package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.data.Dataset;
import io.myelin.loss.Loss;
import io.myelin.schedule.Schedules;
import io.myelin.train.DataSet;
import io.myelin.train.FitConfig;
import io.myelin.train.History;
import io.myelin.train.ModelSpec;
import io.myelin.train.Sequential;
import io.myelin.train.TrainingDivergedException;
import io.myelin.train.callbacks.LearningRateScheduler;
import io.myelin.train.callbacks.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code myelin train}: trains a model on a dataset and writes the run directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model (default: an MLP on the built-in digits dataset) and write model.json, "
                + "weights.safetensors, history.csv, metrics.json and curves.png to --out.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", description = "Model spec JSON (default: an MLP suited to the data).")
    Path model;

    @Option(names = "--data", defaultValue = "digits",
            description = "digits | fashion-mnist | DIR with IDX files | FILE.csv (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--label-column", description = "CSV label column (default: the last column).")
    String labelColumn;

    @Option(names = "--epochs", defaultValue = "30", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for init, shuffling, dropout, splits.")
    long seed;

    @Option(names = "--no-shuffle", description = "Keep the data order every epoch.")
    boolean noShuffle;

    @Option(names = "--backend", defaultValue = "auto", description = "auto | cpu | cuda (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--validation-split", defaultValue = "0", description = "Fraction of training data held out.")
    double validationSplit;

    @Option(names = "--init-weights", description = "safetensors file whose tensors replace the initial ones by name.")
    Path initWeights;

    @Option(names = "--out", description = "Output directory (default: runs/<timestamp>).")
    Path out;

    @Override
    public Integer call() {
        if (epochs < 1) {
            throw new UserError("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new UserError("--batch-size must be at least 1, got " + batchSize);
        }
        Path outDir = out != null ? out
                : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        ModelSpec userSpec = model != null ? ModelSpec.read(model) : null;
        LoadedData loaded = DataSources.load(data, labelColumn, seed, userSpec == null ? null : userSpec.normalization());
        ModelSpec spec = userSpec != null ? userSpec : DataSources.defaultSpec(loaded.train());
        try (Backend be = Backends.create(backend); Sequential net = spec.build(be, seed)) {
            Loss loss = net.loss();
            DataSet train = DataSources.encode(loaded.train(), loss, net.outputFeatures(), "training data");
            DataSet test = loaded.test() == null ? null
                    : DataSources.encode(loaded.test(), loss, net.outputFeatures(), "test data");
            if (initWeights != null) {
                io.myelin.io.ModelFiles.loadInitialWeights(net, initWeights);
            }
            System.err.println("data: " + loaded.description() + "; model: " + net.inputFeatures() + " -> "
                    + net.outputFeatures() + ", " + net.parameters().stream().mapToLong(p -> p.value().size()).sum()
                    + " parameters; backend: " + be.name());
            FitConfig.Builder cfg = FitConfig.builder().epochs(epochs).batchSize(batchSize).shuffle(!noShuffle)
                    .validationSplit(validationSplit).callback(new ProgressBar(System.err));
            Map<String, Object> schedule = spec.lrSchedule();
            if (schedule != null) {
                long steps = (long) epochs * ((train.n() + batchSize - 1) / batchSize);
                cfg.callback(new LearningRateScheduler(Schedules.fromSpec(schedule, net.optimizer().baseLearningRate(), steps)));
            }
            History history;
            String diverged = null;
            try {
                history = net.fit(train, cfg.build());
            } catch (TrainingDivergedException e) {
                diverged = e.getMessage();
                history = null;
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("backend", be.name());
            metrics.put("data", loaded.description());
            if (history != null) {
                metrics.put("epochs", history.epochs());
                metrics.put("epoch_seconds", history.get("epoch_seconds"));
                metrics.put("train_loss", history.last("loss"));
                history.all().forEach((k, v) -> {
                    if (!k.equals("epoch_seconds") && !k.equals("loss")) {
                        metrics.put("final_" + k, v.get(v.size() - 1));
                    }
                });
            }
            if (test != null && history != null) {
                Map<String, Double> ev = net.evaluate(test);
                metrics.put("test_loss", ev.get("loss"));
                ev.forEach((k, v) -> {
                    if (!k.equals("loss")) {
                        metrics.put("test_" + k, v);
                    }
                });
            }
            RunOutputs.write(outDir, spec, net, loaded, history, metrics);
            if (diverged != null) {
                throw new TrainingDivergedException(diverged + " The last good weights were saved to " + outDir);
            }
            String summary = metrics.containsKey("test_accuracy")
                    ? String.format(Locale.ROOT, "test accuracy: %.4f  test loss: %.4f", (Double) metrics.get("test_accuracy"), (Double) metrics.get("test_loss"))
                    : metrics.containsKey("test_loss") ? String.format(Locale.ROOT, "test loss: %.4f", (Double) metrics.get("test_loss"))
                    : String.format(Locale.ROOT, "train loss: %.4f", (Double) metrics.get("train_loss"));
            System.out.println(summary);
            System.out.println("wrote " + outDir + List.of(" (model.json, weights.safetensors, history.csv, metrics.json, curves.png)").get(0));
        }
        return 0;
    }

    /** Train (and optional test) data with their description; features already normalized. */
    record LoadedData(Dataset train, Dataset test, String description, Map<String, Object> normalization) {
    }
}
