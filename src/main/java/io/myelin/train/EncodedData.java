package io.myelin.train;

/**
 * Host arrays as {@link Sequential#fit} and {@link Sequential#evaluate} consume them: inputs (n, features) and
 * targets (n, targetCols) already encoded for the model's loss (class indices as one column for sparse losses,
 * one-hot rows, 0/1, ±1 or real values). A {@code io.myelin.data.Dataset} is the data as read (class labels
 * with their names, or regression targets); encoding it for a loss gives one of these.
 *
 * <pre>{@code
 * EncodedData train = new EncodedData(data.x(), data.classLabelsAsFloats(), data.n());   // for a sparse cross-entropy
 * }</pre>
 */
public record EncodedData(float[] x, float[] y, int n) {
    public EncodedData {
        if (n <= 0) {
            throw new IllegalArgumentException("a dataset needs at least one sample");
        }
        if (x.length % n != 0 || y.length % n != 0) {
            throw new IllegalArgumentException("inputs (" + x.length + " values) and targets (" + y.length
                    + " values) are not a whole number of rows for " + n + " samples");
        }
    }

    public int features() {
        return x.length / n;
    }

    public int targetCols() {
        return y.length / n;
    }

    /** Rows [from, to) as a new dataset. */
    public EncodedData slice(int from, int to) {
        int f = features();
        int t = targetCols();
        float[] xs = java.util.Arrays.copyOfRange(x, from * f, to * f);
        float[] ys = java.util.Arrays.copyOfRange(y, from * t, to * t);
        return new EncodedData(xs, ys, to - from);
    }
}
