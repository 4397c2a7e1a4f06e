package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.data.Normalizer;
import io.myelin.data.Task;
import io.myelin.io.AtomicFiles;
import io.myelin.io.OutputWriteException;
import io.myelin.loss.Loss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code myelin predict RUN_DIR [--data FILE|-] [--out FILE] [--limit N] [--mc-dropout N]}: scores every row
 * of the input in order, with or without its label column, and writes CSV: {@code row} (the row's number in the
 * input, from 1), {@code predicted} (the class name, or the value for regression, in the original units), then
 * for a classifier one {@code p_<class>} column per class ({@code score} for a hinge or perceptron model, whose
 * output is no probability); with {@code --mc-dropout} the outputs are means and {@code std_…} columns follow.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict with a trained model: every row of a CSV file or standard input, with or without the "
                + "label column, or the test part of a dataset (default: the run's test data); CSV to stdout or --out FILE.")
final class PredictCommand implements Callable<Integer> {
    @Mixin
    ScoringOptions scoring;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the CSV to FILE instead of stdout, atomically (all or nothing); an existing FILE is "
                    + "refused unless --force is given.")
    Path out;

    @Option(names = "--force", description = "Replace an existing --out FILE.")
    boolean force;

    @Option(names = "--limit", paramLabel = "N", description = "Score only the first N rows (default: every row).")
    Integer limit;

    @Option(names = "--mc-dropout", paramLabel = "N", defaultValue = "0",
            description = "Monte-Carlo dropout passes (0 = off; otherwise at least 2).")
    int mcPasses;

    @Mixin
    BackendOption backend;

    @Override
    public Integer call() {
        if (limit != null && limit < 1) {
            throw new UserError("--limit must be at least 1 (default: every row), got " + limit);
        }
        if (mcPasses != 0 && mcPasses < 2) {
            throw new UserError("--mc-dropout needs at least 2 passes (0 = off), got " + mcPasses);
        }
        String csvText;
        backend.check();
        if (out != null) {
            OutputDirectory.checkNewFile(out, force);
        } else if (force) {
            throw new UserError("--force replaces an existing --out FILE, but no --out was given (the CSV goes to stdout)");
        }
        // The run and the data are read and checked before a backend starts: a mistake is the first line printed.
        Map<String, Object> modelJson = SavedModel.read(scoring.run);
        DataSources.Rows rows = scoring.rows(modelJson, false);
        try (Backend be = backend.create(); SavedModel saved = SavedModel.load(scoring.run, modelJson, be)) {
            int n = limit == null ? rows.n() : Math.min(limit, rows.n());
            int f = rows.numFeatures();
            float[] x = Arrays.copyOf(rows.x(), n * f);
            if (saved.normalizer() != null) {
                if (saved.normalizer().numFeatures() != f) {
                    throw new UserError("the model's normalizer was fitted on " + saved.normalizer().numFeatures()
                            + " features, but " + rows.description() + " has " + f);
                }
                x = saved.normalizer().apply(x);
            }
            float[][] r = mcPasses > 0 ? saved.model().predictMonteCarlo(x, n, mcPasses)
                    : new float[][] {saved.model().predict(x, n), null};
            csvText = format(saved, rows.rows(), n, r[0], r[1]);
        }
        if (out == null) {
            System.out.print(csvText);
        } else {
            try {
                AtomicFiles.writeString(out, csvText);
            } catch (IOException e) {
                throw new OutputWriteException(out, e);
            }
            System.err.println("wrote " + out);
        }
        return 0;
    }

    private static String format(SavedModel saved, int[] rowNumbers, int n, float[] mean, float[] std) {
        int k = saved.model().outputFeatures();
        Loss.TargetKind kind = saved.model().loss().targetKind();
        DataProfile profile = saved.profile();
        boolean classifier = profile != null ? profile.task() == Task.CLASSIFICATION : kind != Loss.TargetKind.REGRESSION;
        List<String> classes = profile != null && profile.classes() != null ? profile.classes() : List.of();
        StringBuilder sb = new StringBuilder("row,predicted");
        if (!classifier) {
            Normalizer scaling = profile == null ? null : profile.targetScaling();
            float[] values = scaling == null ? mean : scaling.inverse(mean);
            float[] stds = std;
            if (std != null && scaling != null) {
                stds = std.clone();
                float[] scale = scaling.scale();
                for (int i = 0; i < stds.length; i++) {
                    stds[i] *= scale[i % scale.length];
                }
            }
            for (int j = 1; j < k; j++) {
                sb.append(",predicted_").append(j + 1);
            }
            appendStdHeader(sb, stds != null, k == 1 ? List.of("") : numbered(k));
            sb.append('\n');
            for (int i = 0; i < n; i++) {
                sb.append(rowNumbers[i]);
                for (int j = 0; j < k; j++) {
                    sb.append(',').append(number(values[i * k + j]));
                }
                appendStd(sb, stds, i, k);
                sb.append('\n');
            }
            return sb.toString();
        }
        boolean signed = k == 1 && kind == Loss.TargetKind.SIGNED;
        boolean logits = saved.model().loss().name().endsWith("from_logits");
        int columns = k == 1 ? (signed ? 1 : 2) : k;
        List<String> names = new java.util.ArrayList<>();
        for (int j = 0; j < Math.max(columns, 2); j++) {
            names.add(j < classes.size() ? classes.get(j) : Integer.toString(j));
        }
        if (signed) {
            sb.append(",score");
        } else {
            for (int j = 0; j < columns; j++) {
                sb.append(',').append(quoted("p_" + names.get(j)));
            }
        }
        appendStdHeader(sb, std != null, signed ? List.of("score") : names.subList(0, columns).stream()
                .map(c -> "p_" + c).toList());
        sb.append('\n');
        for (int i = 0; i < n; i++) {
            sb.append(rowNumbers[i]).append(',');
            if (k == 1) {
                float o = mean[i];
                if (signed) {
                    sb.append(quoted(names.get(o > 0 ? 1 : 0))).append(',').append(number(o));
                } else {
                    float p = logits ? (float) (1 / (1 + Math.exp(-o))) : o;
                    sb.append(quoted(names.get(p >= 0.5f ? 1 : 0))).append(',').append(number(1 - p)).append(',')
                            .append(number(p));
                }
            } else {
                int arg = 0;
                for (int j = 1; j < k; j++) {
                    if (mean[i * k + j] > mean[i * k + arg]) {
                        arg = j;
                    }
                }
                sb.append(quoted(names.get(arg)));
                for (int j = 0; j < k; j++) {
                    sb.append(',').append(number(mean[i * k + j]));
                }
            }
            appendStd(sb, std, i, k);
            sb.append('\n');
        }
        return sb.toString();
    }

    private static List<String> numbered(int k) {
        List<String> out = new java.util.ArrayList<>();
        for (int j = 1; j <= k; j++) {
            out.add("_" + j);
        }
        return out;
    }

    private static void appendStdHeader(StringBuilder sb, boolean mc, List<String> columns) {
        if (mc) {
            for (String c : columns) {
                sb.append(',').append(quoted(c.isEmpty() || c.startsWith("_") ? "std" + c : "std_" + c));
            }
        }
    }

    private static void appendStd(StringBuilder sb, float[] std, int i, int k) {
        if (std != null) {
            for (int j = 0; j < k; j++) {
                sb.append(',').append(number(std[i * k + j]));
            }
        }
    }

    private static String number(float v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** RFC 4180: a field with a comma, quote or line break goes in quotes, its quotes doubled. */
    static String quoted(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
