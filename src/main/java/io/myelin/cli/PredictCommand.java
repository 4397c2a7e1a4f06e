package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code myelin predict RUN_DIR [--data ...] [--limit N] [--mc-dropout N]}: prints one CSV line per test
 * sample: index, true label, predicted class (classification) and the outputs (means, with std for MC dropout).
 */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Predict with a trained model (CSV to stdout).")
final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Run directory written by 'myelin train'.")
    Path run;

    @Option(names = "--data", defaultValue = "digits")
    String data;

    @Option(names = "--label-column")
    String labelColumn;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--limit", defaultValue = "20", description = "How many samples to print (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--mc-dropout", defaultValue = "0", description = "Monte-Carlo dropout passes (0 = off).")
    int mcPasses;

    @Option(names = "--backend", defaultValue = "auto")
    String backend;

    @Override
    public Integer call() {
        try (Backend be = Backends.create(backend); SavedModel saved = SavedModel.load(run, be)) {
            Dataset test = RawData.test(data, labelColumn, seed);
            Dataset norm = saved.normalizer() == null ? test : saved.normalizer().apply(test);
            int n = Math.min(limit, norm.n());
            int f = norm.numFeatures();
            float[] x = java.util.Arrays.copyOf(norm.x(), n * f);
            int k = saved.model().outputFeatures();
            float[][] r = mcPasses > 0 ? saved.model().predictMonteCarlo(x, n, mcPasses)
                    : new float[][] {saved.model().predict(x, n), null};
            StringBuilder header = new StringBuilder("index,label,predicted");
            for (int j = 0; j < k; j++) {
                header.append(",out").append(j);
                if (r[1] != null) {
                    header.append(",std").append(j);
                }
            }
            System.out.println(header);
            for (int i = 0; i < n; i++) {
                StringBuilder sb = new StringBuilder();
                int arg = 0;
                for (int j = 1; j < k; j++) {
                    if (r[0][i * k + j] > r[0][i * k + arg]) {
                        arg = j;
                    }
                }
                sb.append(i).append(',').append(norm.isClassification() ? String.valueOf(norm.classLabels()[i]) : "")
                        .append(',').append(k > 1 ? String.valueOf(arg) : "");
                for (int j = 0; j < k; j++) {
                    sb.append(String.format(Locale.ROOT, ",%.5f", r[0][i * k + j]));
                    if (r[1] != null) {
                        sb.append(String.format(Locale.ROOT, ",%.5f", r[1][i * k + j]));
                    }
                }
                System.out.println(sb);
            }
        }
        return 0;
    }
}
