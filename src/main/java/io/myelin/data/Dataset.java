package io.myelin.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An in-memory dataset on the host: {@code n} samples of {@link #numFeatures()} features, row-major in one
 * {@code float[]}, with either integer class labels (classification) or float targets (regression).
 *
 * <p>Shapes: {@code x} is {@code (n, numFeatures)} where numFeatures is the product of
 * {@link #featureShape()} (e.g. {@code [28, 28]} is stored as 784 features); {@code classLabels} is
 * {@code (n)} with values in {@code 0..numClasses-1}; {@code targets} is {@code (n, targetDim)}.
 *
 * <p>Immutable by contract: to avoid copying large arrays (Fashion-MNIST is 188 MB of floats) the factories
 * take ownership of the arrays passed in and the accessors return them without copying, so neither the
 * caller nor a reader of {@link #x()} may modify them. Derived datasets ({@link #subset}, {@link
 * #withFeatures}) are new objects.
 *
 * <pre>{@code
 * Dataset d = Dataset.classification(new float[] {0, 1, 1, 0}, new int[] {2}, new int[] {1, 0}, 2);
 * }</pre>
 */
public final class Dataset {
    private final float[] x;
    private final int n;
    private final int[] featureShape;
    private final int numFeatures;
    // Classification: labels (n) and class names; regression: targets (n, targetDim). The other side is null.
    private final int[] classLabels;
    private final List<String> classNames;
    private final float[] targets;
    private final int targetDim;
    // The sample's row in its source file (from 1), kept through subsets and shuffles; null: row = index + 1.
    private final int[] rows;

    private Dataset(float[] x, int n, int[] featureShape, int[] classLabels, List<String> classNames,
                    float[] targets, int targetDim) {
        this(x, n, featureShape, classLabels, classNames, targets, targetDim, null);
    }

    private Dataset(float[] x, int n, int[] featureShape, int[] classLabels, List<String> classNames,
                    float[] targets, int targetDim, int[] rows) {
        this.x = x;
        this.n = n;
        this.featureShape = featureShape;
        this.numFeatures = product(featureShape);
        this.classLabels = classLabels;
        this.classNames = classNames;
        this.targets = targets;
        this.targetDim = targetDim;
        this.rows = rows;
    }

    /** A classification dataset whose classes are named "0", "1", … "numClasses-1". */
    public static Dataset classification(float[] x, int[] featureShape, int[] labels, int numClasses) {
        List<String> names = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            names.add(Integer.toString(c));
        }
        return classification(x, featureShape, labels, names);
    }

    /**
     * A classification dataset; {@code classNames.get(k)} is the original label of class index {@code k}
     * (e.g. "-1" and "1" for a ±1 label column, "setosa" for a named class).
     */
    public static Dataset classification(float[] x, int[] featureShape, int[] labels, List<String> classNames) {
        int n = rowsOf(x, featureShape);
        if (labels.length != n) {
            throw new IllegalArgumentException("x has " + n + " rows but there are " + labels.length + " labels");
        }
        int k = classNames.size();
        if (k < 1) {
            throw new IllegalArgumentException("a classification dataset needs at least one class");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " is outside 0.." + (k - 1));
            }
        }
        return new Dataset(x, n, featureShape.clone(), labels, List.copyOf(classNames), null, 0);
    }

    /** A regression dataset with {@code targets} of shape {@code (n, targetDim)}. */
    public static Dataset regression(float[] x, int[] featureShape, float[] targets, int targetDim) {
        int n = rowsOf(x, featureShape);
        if (targetDim < 1 || targets.length != (long) n * targetDim) {
            throw new IllegalArgumentException("x has " + n + " rows but targets has " + targets.length
                    + " values, expected " + n + " x " + targetDim);
        }
        return new Dataset(x, n, featureShape.clone(), null, null, targets, targetDim);
    }

    private static int rowsOf(float[] x, int[] featureShape) {
        int f = product(featureShape);
        if (f < 1) {
            throw new IllegalArgumentException("feature shape " + Arrays.toString(featureShape) + " has no features");
        }
        if (x.length % f != 0) {
            throw new IllegalArgumentException("x has " + x.length + " values, not a multiple of "
                    + f + " features " + Arrays.toString(featureShape));
        }
        return x.length / f;
    }

    private static int product(int[] shape) {
        long p = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            p *= d;
        }
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("feature shape " + Arrays.toString(shape) + " is too large");
        }
        return (int) p;
    }

    /** Number of samples. */
    public int n() {
        return n;
    }

    /** Features per sample: the product of {@link #featureShape()}. */
    public int numFeatures() {
        return numFeatures;
    }

    /** Shape of one sample, e.g. {@code [28, 28]} (a copy). */
    public int[] featureShape() {
        return featureShape.clone();
    }

    /** The features, {@code (n, numFeatures)} row-major. Shared, not copied: do not modify. */
    public float[] x() {
        return x;
    }

    /** A copy of sample {@code i}'s features. */
    public float[] row(int i) {
        return Arrays.copyOfRange(x, i * numFeatures, (i + 1) * numFeatures);
    }

    public boolean isClassification() {
        return classLabels != null;
    }

    /** Class indices {@code (n)} in {@code 0..numClasses-1}. Shared, not copied: do not modify. */
    public int[] classLabels() {
        requireClassification("classLabels()");
        return classLabels;
    }

    /** The class indices as floats {@code (n, 1)}, the layout a sparse cross-entropy loss takes. */
    public float[] classLabelsAsFloats() {
        requireClassification("classLabelsAsFloats()");
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = classLabels[i];
        }
        return out;
    }

    public int numClasses() {
        requireClassification("numClasses()");
        return classNames.size();
    }

    /** The original label of each class index, e.g. {@code ["-1", "1"]}. */
    public List<String> classNames() {
        requireClassification("classNames()");
        return Collections.unmodifiableList(classNames);
    }

    /** One-hot targets {@code (n, numClasses)}. */
    public float[] oneHot() {
        requireClassification("oneHot()");
        int k = classNames.size();
        float[] out = new float[n * k];
        for (int i = 0; i < n; i++) {
            out[i * k + classLabels[i]] = 1f;
        }
        return out;
    }

    /** Regression targets {@code (n, targetDim)}. Shared, not copied: do not modify. */
    public float[] targets() {
        if (isClassification()) {
            throw new IllegalStateException("this is a classification dataset: use classLabels() or oneHot(), not targets()");
        }
        return targets;
    }

    /** Columns of {@link #targets()}; for classification, the number of classes (the one-hot width). */
    public int targetDim() {
        return isClassification() ? classNames.size() : targetDim;
    }

    /** The samples at {@code indices}, in that order (indices may repeat). */
    public Dataset subset(int[] indices) {
        float[] sx = new float[indices.length * numFeatures];
        for (int r = 0; r < indices.length; r++) {
            int i = indices[r];
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("subset index " + i + " outside 0.." + (n - 1));
            }
            System.arraycopy(x, i * numFeatures, sx, r * numFeatures, numFeatures);
        }
        int[] sr = new int[indices.length];
        for (int r = 0; r < indices.length; r++) {
            sr[r] = sourceRow(indices[r]);
        }
        if (isClassification()) {
            int[] sl = new int[indices.length];
            for (int r = 0; r < indices.length; r++) {
                sl[r] = classLabels[indices[r]];
            }
            return new Dataset(sx, indices.length, featureShape, sl, classNames, null, 0, sr);
        }
        float[] st = new float[indices.length * targetDim];
        for (int r = 0; r < indices.length; r++) {
            System.arraycopy(targets, indices[r] * targetDim, st, r * targetDim, targetDim);
        }
        return new Dataset(sx, indices.length, featureShape, null, null, st, targetDim, sr);
    }

    /**
     * Sample {@code i}'s row in the file it was read from (from 1, before any split or shuffle), so an error
     * about it can name the row a user sees; {@code i + 1} for a dataset that was not read from a file.
     */
    public int sourceRow(int i) {
        return rows == null ? i + 1 : rows[i];
    }

    /** The same samples, remembering their rows in the source file ({@code rows[i]} for sample i, from 1). */
    public Dataset withRows(int[] sourceRows) {
        if (sourceRows.length != n) {
            throw new IllegalArgumentException("dataset has " + n + " samples but " + sourceRows.length + " rows were given");
        }
        return new Dataset(x, n, featureShape, classLabels, classNames, targets, targetDim, sourceRows.clone());
    }

    /** The same labels with new features of the same shape, e.g. after normalization. */
    public Dataset withFeatures(float[] newX) {
        if (newX.length != x.length) {
            throw new IllegalArgumentException("new features have " + newX.length + " values, expected "
                    + n + " x " + numFeatures);
        }
        return new Dataset(newX, n, featureShape, classLabels, classNames, targets, targetDim, rows);
    }

    /** The same features with new regression targets {@code (n, targetDim)}, e.g. after a log transform. */
    public Dataset withTargets(float[] newTargets) {
        if (isClassification()) {
            throw new IllegalStateException("withTargets() needs a regression dataset, this one has class labels");
        }
        if (newTargets.length != targets.length) {
            throw new IllegalArgumentException("new targets have " + newTargets.length + " values, expected "
                    + n + " x " + targetDim);
        }
        return new Dataset(x, n, featureShape, null, null, newTargets, targetDim, rows);
    }

    /** A seeded train/test split; see {@link Splits#trainTest}. */
    public TrainTest split(double testFraction, long seed) {
        return Splits.trainTest(this, testFraction, seed);
    }

    private void requireClassification(String method) {
        if (!isClassification()) {
            throw new IllegalStateException(method + " needs a classification dataset, this one has regression targets");
        }
    }

    @Override
    public String toString() {
        String labels = isClassification() ? "classes=" + classNames.size() : "targetDim=" + targetDim;
        return "Dataset[n=" + n + ", features=" + Arrays.toString(featureShape) + ", " + labels + "]";
    }
}
