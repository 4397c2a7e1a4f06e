package io.myelin.cli;

import io.myelin.bench.BenchConfig;
import io.myelin.bench.BenchResult;
import io.myelin.bench.TrainingBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code myelin bench}: times training through {@code Sequential.fit} (epoch time, step time, peak RSS,
 * Fashion-MNIST test accuracy); {@code scripts/bench-peers.sh} runs it next to {@code scripts/bench_torch.py}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training through fit: one warm-up epoch then --epochs timed epochs, or --steps timed "
                + "steps after --warmup-steps (step mode, synthetic data by default). Prints epoch seconds, median "
                + "epoch seconds, median step ms, test accuracy (fashion-mnist) and peak RSS.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", description = "Model spec JSON (instead of --hidden).")
    Path model;

    @Option(names = "--hidden", description = "Hidden ReLU widths of an MLP with a softmax output, e.g. 256,128 "
            + "(default: 256,128 unless --model is given).")
    String hidden;

    @Option(names = "--data", description = "fashion-mnist | synthetic (default: fashion-mnist, synthetic with --steps).")
    String data;

    @Option(names = "--batch-size", defaultValue = "128", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--epochs", description = "Timed epochs after one warm-up epoch (default: 3).")
    Integer epochs;

    @Option(names = "--steps", description = "Step mode: number of timed steps.")
    Integer steps;

    @Option(names = "--warmup-steps", defaultValue = "20", description = "Untimed steps before --steps (default: ${DEFAULT-VALUE}).")
    int warmupSteps;

    @Option(names = "--samples", defaultValue = "60000", description = "Synthetic rows in epoch mode (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--features", defaultValue = "784", description = "Synthetic input width without --model (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--classes", defaultValue = "10", description = "Synthetic classes (default: ${DEFAULT-VALUE}).")
    int classes;

    @Mixin
    BackendOption backend;

    @Mixin
    SeedOption seed;

    @Option(names = "--format", defaultValue = "text", description = "text | json (one JSON line) (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        if (!format.equals("text") && !format.equals("json")) {
            throw new UserError("--format must be text or json, got '" + format + "'");
        }
        if (epochs != null && steps != null) {
            throw new UserError("give --epochs (epoch mode) or --steps (step mode), not both");
        }
        if (steps != null && steps < 1) {
            throw new UserError("--steps must be at least 1, got " + steps);
        }
        if (model != null && hidden != null) {
            throw new UserError("give --model or --hidden, not both");
        }
        List<Integer> widths = model != null ? null : parseWidths(hidden == null ? "256,128" : hidden);
        String dataName = data != null ? data : steps != null ? BenchConfig.SYNTHETIC : BenchConfig.FASHION_MNIST;
        BenchConfig config = new BenchConfig(model, widths, dataName, batchSize, epochs == null ? 3 : epochs,
                steps == null ? 0 : steps, warmupSteps, samples, features, classes, backend.name(), seed.value());
        BenchResult result = TrainingBench.run(config);
        System.out.print(format.equals("json") ? result.toJson() + System.lineSeparator() : result.toText());
        return 0;
    }

    static List<Integer> parseWidths(String text) {
        List<Integer> widths = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                widths.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new UserError("--hidden takes comma-separated widths such as 256,128, got '" + text + "'");
            }
        }
        return widths;
    }
}
