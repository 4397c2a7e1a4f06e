package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.io.AtomicFiles;
import io.myelin.train.DataSet;
import io.myelin.train.FitConfig;
import io.myelin.train.ModelSpec;
import io.myelin.train.Sequential;
import io.myelin.train.callbacks.LearningRateRangeTest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code myelin lr-find}: the LR range test; writes lr_find.csv and prints the suggested max learning rate. */
@Command(name = "lr-find", mixinStandardHelpOptions = true,
        description = "Grow the learning rate exponentially over a short run and suggest the steepest-descent rate.")
final class LrFindCommand implements Callable<Integer> {
    @Option(names = "--model")
    Path model;

    @Option(names = "--data", defaultValue = "digits")
    String data;

    @Mixin
    CsvOptions csv;

    @Option(names = "--task", paramLabel = "classification|regression", description = "As for train.")
    String task;

    @Option(names = "--batch-size", defaultValue = "32")
    int batchSize;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--min-lr", defaultValue = "1e-6")
    double minLr;

    @Option(names = "--max-lr", defaultValue = "1")
    double maxLr;

    @Option(names = "--steps", defaultValue = "100")
    int steps;

    @Option(names = "--backend", defaultValue = "auto")
    String backend;

    @Option(names = "--out", defaultValue = "runs/lr-find")
    Path out;

    @Override
    public Integer call() {
        ModelSpec userSpec = model != null ? ModelSpec.read(model) : null;
        TrainCommand.LoadedData loaded = DataSources.load(DataSources.settings(data, csv, task), seed,
                userSpec == null ? null : userSpec.normalization());
        ModelSpec spec = userSpec != null ? userSpec : DataSources.defaultSpec(loaded.train());
        try (Backend be = Backends.create(backend); Sequential net = spec.build(be, seed)) {
            DataSet train = DataSources.encode(loaded.train(), net.loss(), net.outputFeatures(), "training data");
            LearningRateRangeTest test = new LearningRateRangeTest(minLr, maxLr, steps);
            int stepsPerEpoch = (train.n() + batchSize - 1) / batchSize;
            int epochs = (steps + stepsPerEpoch - 1) / stepsPerEpoch;
            net.fit(train, FitConfig.builder().epochs(epochs).batchSize(batchSize).callback(test).build());
            StringBuilder csv = new StringBuilder("lr,loss,smoothed_loss\n");
            for (double[] row : test.curve()) {
                csv.append(String.format(Locale.ROOT, "%.6g,%.6g,%.6g%n", row[0], row[1], row[2]));
            }
            Files.createDirectories(out);
            AtomicFiles.write(out.resolve("lr_find.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
            System.out.printf(Locale.ROOT, "suggested max lr: %.3g (curve in %s)%n", test.suggestion(), out.resolve("lr_find.csv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }
}
