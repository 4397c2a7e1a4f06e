package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.io.AtomicFiles;
import io.myelin.train.EncodedData;
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
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code myelin lr-find}: the LR range test ({@link LearningRateRangeTest}): exactly {@code --steps} steps
 * from {@code --min-lr} to {@code --max-lr}, ended early, normally, by a diverging loss; writes {@code
 * lr_find.csv} ({@code step,lr,loss,smoothed_loss}) and {@code lr_find.png} to {@code --out} and prints the
 * suggested rate.
 */
@Command(name = "lr-find", mixinStandardHelpOptions = true,
        description = "LR range test: train --steps steps with the learning rate growing geometrically from --min-lr "
                + "to --max-lr (ending early when the loss diverges), suggest the rate where the smoothed loss falls "
                + "steepest, and write lr_find.csv and lr_find.png to --out.")
final class LrFindCommand implements Callable<Integer> {
    static final String CSV = "lr_find.csv";
    static final String PNG = "lr_find.png";

    @Mixin
    TrainingInputs inputs;

    @Mixin
    SeedOption seed;

    @Option(names = "--min-lr", defaultValue = "1e-6", description = "Rate of the first step (default: ${DEFAULT-VALUE}).")
    double minLr;

    @Option(names = "--max-lr", defaultValue = "1", description = "Rate of the last step (default: ${DEFAULT-VALUE}).")
    double maxLr;

    @Option(names = "--steps", defaultValue = "100", description = "Steps of the sweep (default: ${DEFAULT-VALUE}).")
    int steps;

    @Mixin
    BackendOption backend;

    @Option(names = "--out", description = "Output directory (default: runs/lr-find-<timestamp>).")
    Path out;

    @Option(names = "--force", description = "Write into an --out directory that already holds an lr-find result.")
    boolean force;

    @Override
    public Integer call() {
        if (steps < 2) {
            throw new UserError("--steps must be at least 2, got " + steps);
        }
        if (!(minLr > 0) || !(maxLr > minLr) || !Double.isFinite(maxLr)) {
            throw new UserError("--min-lr and --max-lr must satisfy 0 < min < max, got " + minLr + " and " + maxLr);
        }
        inputs.check();
        backend.check();
        Path dir = out != null ? out
                : Path.of("runs", "lr-find-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        checkOut(dir);
        ModelSpec userSpec = inputs.spec();
        TrainCommand.LoadedData loaded = DataSources.load(inputs.settings(), seed.value(),
                userSpec == null ? null : userSpec.normalization());
        ModelSpec spec = userSpec != null ? userSpec : DataSources.defaultSpec(loaded.train());
        // The spec is checked against the data before a backend starts: a mistake is the first line printed.
        EncodedData train = DataSources.encode(loaded.train(), spec.loss(), TrainCommand.checkAgainstData(spec, loaded),
                "training data");
        try (Backend be = backend.create(); Sequential net = spec.build(be, seed.value())) {
            LearningRateRangeTest test = new LearningRateRangeTest(minLr, maxLr, steps);
            int batch = Math.min(inputs.batchSize, train.n());
            int stepsPerEpoch = (train.n() + batch - 1) / batch;
            int epochs = (steps + stepsPerEpoch - 1) / stepsPerEpoch;
            net.fit(train, FitConfig.builder().epochs(epochs).batchSize(batch).callback(test).build());
            write(dir, test);
            report(dir, test);
        }
        return 0;
    }

    /** The same rules as a training run's directory: not a file, and no earlier result replaced without --force. */
    private void checkOut(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError("--out " + dir + " is a file, not a directory");
        }
        if (!force && (Files.exists(dir.resolve(CSV)) || Files.exists(dir.resolve(PNG)))) {
            throw new UserError("--out " + dir + " already holds an lr-find result (" + CSV + "); give another --out, "
                    + "or --force to replace it");
        }
    }

    static String csv(LearningRateRangeTest test) {
        StringBuilder csv = new StringBuilder("step,lr,loss,smoothed_loss\n");
        for (LearningRateRangeTest.Point p : test.curve()) {
            csv.append(String.format(Locale.ROOT, "%d,%.6g,%.6g,%.6g%n", p.step(), p.lr(), p.loss(), p.smoothedLoss()));
        }
        return csv.toString();
    }

    private static void write(Path dir, LearningRateRangeTest test) {
        try {
            Files.createDirectories(dir);
            byte[] csv = csv(test).getBytes(StandardCharsets.UTF_8);
            byte[] png = LrFindChart.png(test);
            Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
            files.put(dir.resolve(CSV), o -> o.write(csv));
            files.put(dir.resolve(PNG), o -> o.write(png));
            AtomicFiles.writeAll(files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the lr-find result to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void report(Path dir, LearningRateRangeTest test) {
        List<LearningRateRangeTest.Point> curve = test.curve();
        LearningRateRangeTest.Point last = curve.get(curve.size() - 1);
        String ran = test.divergence() != null
                ? String.format(Locale.ROOT, "%d of %d steps, ended at lr %.3g: %s", curve.size(), test.plannedSteps(),
                        last.lr(), test.divergence())
                : String.format(Locale.ROOT, "%d steps, lr %.3g to %.3g", curve.size(), curve.get(0).lr(), last.lr());
        System.err.println("lr range test: " + ran);
        int min = test.minimumIndex();
        if (test.suggestionIndex() < 0) {
            System.out.println("no suggestion: the smoothed loss did not fall; try a larger --max-lr or more --steps");
        } else {
            System.out.printf(Locale.ROOT, "suggested lr: %.3g (steepest fall of the smoothed loss; its minimum is at lr %.3g)%n",
                    test.suggestion(), curve.get(min).lr());
        }
        System.out.println("wrote " + dir + " (" + CSV + ", " + PNG + ")");
    }
}
