package io.myelin.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The mean and population standard deviation of every input feature of the training data (before
 * normalization, whatever the normalization), saved with a model so that new data can be checked for
 * distribution shift.
 *
 * <p>The drift rule ({@link #drift}): with at least {@value #MIN_ROWS} new rows, a feature has drifted when
 * {@code |mean_new - mean_train| / std_train > }{@value #THRESHOLD}; a feature that was constant in training
 * drifts when its new mean differs from that constant by more than {@code 1e-6 * max(1, |constant|)}.
 *
 * <pre>{@code
 * FeatureStats stats = FeatureStats.fit(tt.train().x(), tt.train().numFeatures(), names);
 * List<FeatureStats.Shift> shifted = stats.drift(data.x(), data.n());   // data: new rows
 * }</pre>
 */
public record FeatureStats(List<String> names, double[] mean, double[] std) {
    /** Shift in training standard deviations beyond which a feature counts as drifted. */
    public static final double THRESHOLD = 0.5;
    /** Fewer new rows than this are not checked (their mean is too noisy). */
    public static final int MIN_ROWS = 30;

    /** One drifted feature: its name, the two means, and the shift in training standard deviations (infinite
     * for a feature that was constant in training). */
    public record Shift(String name, double trainMean, double newMean, double stds) {
    }

    public FeatureStats {
        if (names.size() != mean.length || mean.length != std.length) {
            throw new DataException("feature statistics have " + names.size() + " names, " + mean.length
                    + " means and " + std.length + " deviations");
        }
        names = List.copyOf(names);
        mean = mean.clone();
        std = std.clone();
    }

    /** Per-feature mean and population standard deviation of {@code x}, {@code (n, names.size())} row-major. */
    public static FeatureStats fit(float[] x, int numFeatures, List<String> names) {
        int n = x.length / numFeatures;
        double[] mean = new double[numFeatures];
        double[] var = new double[numFeatures];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < numFeatures; j++) {
                mean[j] += x[i * numFeatures + j];
            }
        }
        for (int j = 0; j < numFeatures; j++) {
            mean[j] /= Math.max(n, 1);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < numFeatures; j++) {
                double d = x[i * numFeatures + j] - mean[j];
                var[j] += d * d;
            }
        }
        double[] std = new double[numFeatures];
        for (int j = 0; j < numFeatures; j++) {
            std[j] = Math.sqrt(var[j] / Math.max(n, 1));
        }
        return new FeatureStats(names, mean, std);
    }

    /** {@code x1 … xN}: names for inputs that have none of their own (image pixels). */
    public static List<String> numberedNames(String prefix, int count) {
        List<String> out = new ArrayList<>(count);
        for (int j = 1; j <= count; j++) {
            out.add(prefix + j);
        }
        return out;
    }

    public int numFeatures() {
        return mean.length;
    }

    /** The drifted features of {@code x} (n rows), most shifted first; empty below {@value #MIN_ROWS} rows. */
    public List<Shift> drift(float[] x, int n) {
        int f = mean.length;
        if (n < MIN_ROWS || x.length != (long) n * f) {
            return List.of();
        }
        double[] m = new double[f];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                m[j] += x[i * f + j];
            }
        }
        List<Shift> out = new ArrayList<>();
        for (int j = 0; j < f; j++) {
            m[j] /= n;
            double diff = Math.abs(m[j] - mean[j]);
            if (std[j] > 0) {
                if (diff / std[j] > THRESHOLD) {
                    out.add(new Shift(names.get(j), mean[j], m[j], diff / std[j]));
                }
            } else if (diff > 1e-6 * Math.max(1, Math.abs(mean[j]))) {
                out.add(new Shift(names.get(j), mean[j], m[j], Double.POSITIVE_INFINITY));
            }
        }
        out.sort(Comparator.comparingDouble(Shift::stds).reversed());
        return out;
    }

    /**
     * One line naming the most shifted features (at most three), or null when none drifted: {@code the new
     * rows differ from the training data in 2 features (|mean - training mean| > 0.5 training std, 120 rows):
     * age (mean 61.2, training 38.5 ± 9.1 = 2.5 std), …}.
     */
    public String warning(List<Shift> shifts, int n) {
        if (shifts.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "the %d rows differ from the training data in %d feature%s (|mean - training mean| > %.1f training "
                        + "std): ", n, shifts.size(), shifts.size() == 1 ? "" : "s", THRESHOLD));
        for (int k = 0; k < Math.min(3, shifts.size()); k++) {
            Shift s = shifts.get(k);
            int j = names.indexOf(s.name());
            sb.append(k > 0 ? ", " : "").append(s.name()).append(String.format(Locale.ROOT, " (mean %.4g, training %.4g",
                    s.newMean(), s.trainMean()));
            sb.append(Double.isInfinite(s.stds()) ? ", constant in training)"
                    : String.format(Locale.ROOT, " ± %.3g: %.1f std)", std[j], s.stds()));
        }
        if (shifts.size() > 3) {
            sb.append(" and ").append(shifts.size() - 3).append(" more");
        }
        return sb.toString();
    }

    /** A JSON-ready map: {@code names}, {@code mean}, {@code std}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("names", names);
        m.put("mean", mean.clone());
        m.put("std", std.clone());
        return m;
    }

    /** Reads {@link #toMap()}'s layout. */
    public static FeatureStats fromMap(Map<?, ?> m) {
        if (!(m.get("names") instanceof List<?> ns) || !(m.get("mean") instanceof List<?> ms)
                || !(m.get("std") instanceof List<?> ss)) {
            throw new DataException("saved feature statistics lack 'names', 'mean' or 'std': " + m.keySet());
        }
        List<String> names = new ArrayList<>();
        ns.forEach(o -> names.add(String.valueOf(o)));
        return new FeatureStats(names, doubles(ms, "mean"), doubles(ss, "std"));
    }

    private static double[] doubles(List<?> list, String key) {
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number num)) {
                throw new DataException("saved feature statistics '" + key + "'[" + i + "] is not a number: " + list.get(i));
            }
            out[i] = num.doubleValue();
        }
        return out;
    }
}
