package io.myelin.train;

/**
 * Host-side training arrays as the model consumes them: inputs (n, features) and targets (n, targetCols)
 * already encoded for the loss (class indices as one column for sparse losses, one-hot rows, 0/1, ±1 or
 * real values). {@code new DataSet(x, y, n)}.
 */
public record DataSet(float[] x, float[] y, int n) {
    public DataSet {
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
    public DataSet slice(int from, int to) {
        int f = features();
        int t = targetCols();
        float[] xs = java.util.Arrays.copyOfRange(x, from * f, to * f);
        float[] ys = java.util.Arrays.copyOfRange(y, from * t, to * t);
        return new DataSet(xs, ys, to - from);
    }
}
