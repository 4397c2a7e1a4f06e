package io.myelin.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@link TrainingBench} run measures. Either {@code modelSpec} (a JSON spec) or {@code hidden}
 * (ReLU layer widths of an MLP ending in softmax) names the model; {@code steps > 0} selects step mode
 * (time {@code steps} steps after {@code warmupSteps}), otherwise {@code epochs} timed epochs follow one
 * warm-up epoch.
 *
 * <pre>{@code
 * BenchConfig c = BenchConfig.epochs(List.of(256, 128), "fashion-mnist", 128, 3);
 * }</pre>
 *
 * @param samples synthetic data only: number of rows in epoch mode (step mode sizes the data itself)
 * @param features synthetic data only, without a model spec: input width
 * @param classes synthetic data only, without a model spec: number of classes
 */
public record BenchConfig(Path modelSpec, List<Integer> hidden, String data, int batchSize, int epochs, int steps,
                          int warmupSteps, int samples, int features, int classes, String backend, long seed) {
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String SYNTHETIC = "synthetic";

    public BenchConfig {
        if (modelSpec != null && hidden != null) {
            throw new IllegalArgumentException("give --model or --hidden, not both");
        }
        hidden = hidden == null ? null : List.copyOf(hidden);
        if (hidden != null) {
            for (int h : hidden) {
                if (h < 1) {
                    throw new IllegalArgumentException("--hidden widths must be at least 1, got " + hidden);
                }
            }
        }
        if (!FASHION_MNIST.equals(data) && !SYNTHETIC.equals(data)) {
            throw new IllegalArgumentException("--data must be fashion-mnist or synthetic, got '" + data + "'");
        }
        requireAtLeast("--batch-size", batchSize, 1);
        requireAtLeast("--warmup-steps", warmupSteps, 0);
        requireAtLeast("--samples", samples, 1);
        requireAtLeast("--features", features, 1);
        requireAtLeast("--classes", classes, 2);
        requireAtLeast("--steps", steps, 0);
        if (steps == 0) {
            requireAtLeast("--epochs", epochs, 1);
        }
    }

    /** Epoch mode on an MLP with the given hidden widths and the default synthetic sizes. */
    public static BenchConfig epochs(List<Integer> hidden, String data, int batchSize, int epochs) {
        return new BenchConfig(null, hidden, data, batchSize, epochs, 0, 0, 60_000, 784, 10, "cpu", 42);
    }

    /** True in step mode ({@code --steps N}). */
    public boolean stepMode() {
        return steps > 0;
    }

    private static void requireAtLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", got " + value);
        }
    }
}
