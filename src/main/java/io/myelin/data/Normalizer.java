package io.myelin.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-feature normalization {@code x' = (x - shift[j]) / scale[j]}, fitted on training data only and then
 * applied to every set (training, validation, test, prediction inputs), so no statistics leak from held-out
 * data.
 * <ul>
 *   <li>{@link Kind#MIN_MAX}: shift = min, scale = max - min, mapping training data to [0, 1];</li>
 *   <li>{@link Kind#Z_SCORE}: shift = mean, scale = population standard deviation (ddof = 0, as
 *       scikit-learn's StandardScaler);</li>
 *   <li>{@link Kind#NONE}: shift 0, scale 1, the inputs as they are.</li>
 * </ul>
 * {@link #forName} is the one place that maps a spec's {@code "normalization"} value ({@link #NAMES}) to a
 * fitted normalizer.
 * A constant feature (range or deviation 0) gets scale 1 rather than a division by zero.
 *
 * <p>Saved in model.json through {@link #toMap()} / {@link #fromMap(Map)}:
 * {@code {"kind": "min_max", "shift": [...], "scale": [...]}}.
 *
 * <pre>{@code
 * Normalizer norm = Normalizer.fit(Normalizer.Kind.Z_SCORE, tt.train()); Dataset test = norm.apply(tt.test());
 * }</pre>
 */
public record Normalizer(Kind kind, float[] shift, float[] scale) {
    /** Which statistics define shift and scale. */
    public enum Kind {
        MIN_MAX, Z_SCORE, NONE;

        /** The name used in model.json, e.g. {@code "min_max"}. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromJsonName(String name) {
            for (Kind k : values()) {
                if (k.jsonName().equals(name)) {
                    return k;
                }
            }
            throw new DataException("unknown normalizer kind '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }

    /** The values a model spec's {@code "normalization"} may take, in the order documented. */
    public static final List<String> NAMES = List.of("min_max", "z_score", "none");

    /**
     * The normalizer a spec's {@code "normalization"} value asks for, fitted on {@code train}: {@code "min_max"}
     * or null (the default) maps to [0, 1], with one range shared by every feature for {@code images} (pixels
     * keep their relative brightness) and one range per feature otherwise; {@code "z_score"} standardizes every
     * feature; {@code "none"} leaves the inputs as they are. Another name is a {@link DataException} naming
     * the known ones.
     */
    public static Normalizer forName(String name, Dataset train, boolean images) {
        return forName(name, train, images, null);
    }

    /**
     * {@link #forName(String, Dataset, boolean)} with the features' names (CSV columns) for messages: a column
     * whose range or spread exceeds the float range ({@code ±3e38}) is refused by name.
     */
    public static Normalizer forName(String name, Dataset train, boolean images, List<String> featureNames) {
        if (name == null || name.equals("min_max")) {
            return images ? fitGlobalMinMax(train)
                    : fitMinMax(train.x(), rows(train.x(), train.numFeatures()), train.numFeatures(), featureNames);
        }
        if (name.equals("z_score")) {
            return fitZScore(train.x(), rows(train.x(), train.numFeatures()), train.numFeatures(), featureNames);
        }
        if (name.equals("none")) {
            return identity(train.numFeatures());
        }
        throw new DataException("unknown normalization '" + name + "' (known: " + String.join(", ", NAMES) + ")");
    }

    /** Shift 0 and scale 1 for {@code numFeatures} features. */
    public static Normalizer identity(int numFeatures) {
        float[] scale = new float[numFeatures];
        Arrays.fill(scale, 1f);
        return new Normalizer(Kind.NONE, new float[numFeatures], scale);
    }

    public Normalizer {
        if (shift.length != scale.length) {
            throw new DataException("normalizer has " + shift.length + " shifts but " + scale.length + " scales");
        }
        for (int j = 0; j < scale.length; j++) {
            if (!(scale[j] > 0) || !Float.isFinite(scale[j]) || !Float.isFinite(shift[j])) {
                throw new DataException("normalizer feature " + j + " has shift " + shift[j] + " and scale "
                        + scale[j] + "; scale must be positive and both finite");
            }
        }
        shift = shift.clone();
        scale = scale.clone();
    }

    /** Fits on a training set. */
    public static Normalizer fit(Kind kind, Dataset train) {
        return fit(kind, train.x(), train.numFeatures());
    }

    /** Fits on {@code x}, {@code (n, numFeatures)} row-major, n >= 1. */
    /**
     * Min-max with one range shared by every feature (the global min and max of the training data), for
     * images: pixels keep their relative brightness, and a border pixel that is almost always 0 is not
     * blown up by its own tiny range (per-feature min-max did that and cost ~1 point on Fashion-MNIST).
     */
    public static Normalizer fitGlobalMinMax(Dataset train) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : train.x()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float[] shift = new float[train.numFeatures()];
        float[] scale = new float[train.numFeatures()];
        java.util.Arrays.fill(shift, min);
        java.util.Arrays.fill(scale, nonZero(max - min));
        return new Normalizer(Kind.MIN_MAX, shift, scale);
    }

    public static Normalizer fit(Kind kind, float[] x, int numFeatures) {
        int n = rows(x, numFeatures);
        return switch (kind) {
            case MIN_MAX -> fitMinMax(x, n, numFeatures, null);
            case Z_SCORE -> fitZScore(x, n, numFeatures, null);
            case NONE -> identity(numFeatures);
        };
    }

    private static int rows(float[] x, int numFeatures) {
        int n = numFeatures <= 0 ? 0 : x.length / numFeatures;
        if (n < 1 || x.length % numFeatures != 0) {
            throw new DataException("cannot fit a normalizer on " + x.length + " values of " + numFeatures
                    + " features: need at least one whole row");
        }
        return n;
    }

    /** A range or spread computed in double, as a float scale; one beyond the float range is refused by name. */
    private static float scale(double s, int j, List<String> names, String detail) {
        if (!(s <= Float.MAX_VALUE)) {
            String feature = names != null && j < names.size() ? "column '" + io.myelin.config.IoMessages.quote(names.get(j)) + "'" : "feature " + j;
            throw new DataException(feature + ": " + detail + " " + s + ", beyond the largest float ("
                    + Float.MAX_VALUE + "); rescale this column (e.g. divide it by 1e30) or drop it");
        }
        return nonZero((float) s);
    }

    private static Normalizer fitMinMax(float[] x, int n, int f, List<String> names) {
        float[] min = new float[f];
        float[] max = new float[f];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                float v = x[i * f + j];
                min[j] = Math.min(min[j], v);
                max[j] = Math.max(max[j], v);
            }
        }
        float[] scale = new float[f];
        for (int j = 0; j < f; j++) {
            scale[j] = scale((double) max[j] - min[j], j, names,
                    "values from " + min[j] + " to " + max[j] + " span");
        }
        return new Normalizer(Kind.MIN_MAX, min, scale);
    }

    private static Normalizer fitZScore(float[] x, int n, int f, List<String> names) {
        // Two passes in double: the one-pass sum-of-squares formula loses precision for large offsets.
        double[] mean = new double[f];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                mean[j] += x[i * f + j];
            }
        }
        for (int j = 0; j < f; j++) {
            mean[j] /= n;
        }
        double[] var = new double[f];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                double d = x[i * f + j] - mean[j];
                var[j] += d * d;
            }
        }
        float[] shift = new float[f];
        float[] scale = new float[f];
        for (int j = 0; j < f; j++) {
            shift[j] = (float) mean[j];
            scale[j] = scale(Math.sqrt(var[j] / n), j, names, "the standard deviation is");
        }
        return new Normalizer(Kind.Z_SCORE, shift, scale);
    }

    private static float nonZero(float s) {
        return s > 0 ? s : 1f;
    }

    /** Per-feature shift (a copy). */
    @Override
    public float[] shift() {
        return shift.clone();
    }

    /** Per-feature scale, never 0 (a copy). */
    @Override
    public float[] scale() {
        return scale.clone();
    }

    public int numFeatures() {
        return shift.length;
    }

    /** A normalized copy of {@code x}, {@code (n, numFeatures)} row-major. */
    public float[] apply(float[] x) {
        int f = shift.length;
        if (x.length % f != 0) {
            throw new DataException("normalizer was fitted on " + f + " features, but the data has "
                    + x.length + " values, not a whole number of rows");
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += f) {
            for (int j = 0; j < f; j++) {
                out[i + j] = (x[i + j] - shift[j]) / scale[j];
            }
        }
        return out;
    }

    /** Undoes {@link #apply(float[])}: {@code x * scale[j] + shift[j]} (a copy), e.g. for scaled regression outputs. */
    public float[] inverse(float[] y) {
        int f = shift.length;
        if (y.length % f != 0) {
            throw new DataException("normalizer was fitted on " + f + " features, but the data has "
                    + y.length + " values, not a whole number of rows");
        }
        float[] out = new float[y.length];
        for (int i = 0; i < y.length; i += f) {
            for (int j = 0; j < f; j++) {
                out[i + j] = y[i + j] * scale[j] + shift[j];
            }
        }
        return out;
    }

    /** The dataset with normalized features and the same labels. */
    public Dataset apply(Dataset d) {
        if (d.numFeatures() != shift.length) {
            throw new DataException("normalizer was fitted on " + shift.length + " features, but the data has "
                    + d.numFeatures());
        }
        return d.withFeatures(apply(d.x()));
    }

    /** A JSON-ready map: {@code kind}, {@code shift} and {@code scale} (lists of floats). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.jsonName());
        m.put("shift", shift.clone());
        m.put("scale", scale.clone());
        return m;
    }

    /** Reads {@link #toMap()}'s layout; arrays may be {@code float[]}, {@code double[]} or lists of numbers. */
    public static Normalizer fromMap(Map<String, ?> m) {
        Object kind = m.get("kind");
        if (!(kind instanceof String)) {
            throw new DataException("normalizer entry lacks a 'kind' string: " + m.keySet());
        }
        return new Normalizer(Kind.fromJsonName((String) kind), floats(m.get("shift"), "shift"),
                floats(m.get("scale"), "scale"));
    }

    private static float[] floats(Object v, String key) {
        if (v instanceof float[]) {
            return ((float[]) v).clone();
        }
        if (v instanceof double[]) {
            double[] d = (double[]) v;
            float[] out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
            return out;
        }
        if (v instanceof List<?>) {
            List<?> list = (List<?>) v;
            float[] out = new float[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Number)) {
                    throw new DataException("normalizer '" + key + "'[" + i + "] is not a number: " + list.get(i));
                }
                out[i] = ((Number) list.get(i)).floatValue();
            }
            return out;
        }
        throw new DataException("normalizer entry lacks a '" + key + "' array");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalizer other && kind == other.kind
                && Arrays.equals(shift, other.shift) && Arrays.equals(scale, other.scale);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kind.hashCode() + Arrays.hashCode(shift)) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "Normalizer[" + kind.jsonName() + ", features=" + shift.length + "]";
    }
}
