public class RowLoops {
    static void colsum(float[] x, float[] acc, int rows, int cols) {
        for (int c = 0; c < cols; c++) acc[c] = 0f;
        for (int r = 0; r < rows; r++) { int o = r * cols; for (int c = 0; c < cols; c++) acc[c] += x[o + c]; }
    }
    static void biasAdd(float[] x, float[] y, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) { int o = r * cols; for (int c = 0; c < cols; c++) out[o + c] = x[o + c] + y[c]; }
    }
    static void biasAdd2(float[] x, float[] y, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) { int o = r * cols; addRow(x, y, out, o, cols); }
    }
    static void addRow(float[] x, float[] y, float[] out, int o, int n) { for (int c = 0; c < n; c++) out[o + c] = x[o + c] + y[c]; }
    static void copyRows(float[] x, float[] out, int n) { for (int i = 0; i < n; i++) out[i] = x[i] + 1f; }
    public static void main(String[] a) {
        int rows = 1024, cols = 256, n = rows * cols;
        java.util.Random r = new java.util.Random(1);
        float[] x = new float[n], out = new float[n], y = new float[cols], acc = new float[cols];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        String[] names = {"colsum", "biasAdd(out=x)", "biasAdd(out!=x)", "biasAdd2(out=x)", "plain add n"};
        float sink = 0;
        for (int round = 0; round < 3; round++) {
            for (int v = 0; v < names.length; v++) {
                int reps = 900;
                long[] ts = new long[9];
                for (int k = 0; k < 9; k++) {
                    long t0 = System.nanoTime();
                    for (int q = 0; q < reps / 9; q++) {
                        switch (v) {
                            case 0 -> colsum(x, acc, rows, cols);
                            case 1 -> biasAdd(out, y, out, rows, cols);
                            case 2 -> biasAdd(x, y, out, rows, cols);
                            case 3 -> biasAdd2(out, y, out, rows, cols);
                            case 4 -> copyRows(x, out, n);
                        }
                    }
                    ts[k] = (System.nanoTime() - t0) / (reps / 9);
                }
                java.util.Arrays.sort(ts);
                if (round == 2) System.out.printf("%-16s median %.1f us per %dx%d%n", names[v], ts[4] / 1000.0, rows, cols);
            }
        }
        System.out.println(sink + acc[3] + out[5]);
    }
}
