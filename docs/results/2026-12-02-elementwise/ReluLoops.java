public class ReluLoops {
    static void fwdTernary(float[] x, float[] y, int lo, int hi) { for (int i = lo; i < hi; i++) y[i] = x[i] > 0 ? x[i] : 0f; }
    static void fwdMax(float[] x, float[] y, int lo, int hi) { for (int i = lo; i < hi; i++) y[i] = Math.max(x[i], 0f); }
    static void fwdBits(float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            int b = Float.floatToRawIntBits(x[i]);
            int t = b - 1;
            int m = (~t & (t - 0x7F800000)) >> 31;
            y[i] = Float.intBitsToFloat(b & m);
        }
    }
    static float fwdMaxNan(float[] x, float[] y, int lo, int hi) {
        float acc = 0f;
        for (int i = lo; i < hi; i++) { float v = x[i]; y[i] = Math.max(v, 0f); acc = Math.max(acc, v); }
        return acc;
    }
    static void bwdTernary(float[] x, float[] dy, float[] dx, int lo, int hi) { for (int i = lo; i < hi; i++) dx[i] = x[i] > 0 ? dy[i] : 0f; }
    static void bwdBits(float[] x, float[] dy, float[] dx, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            int t = Float.floatToRawIntBits(x[i]) - 1;
            int m = (~t & (t - 0x7F800000)) >> 31;
            dx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[i]) & m);
        }
    }
    static void bwdMul(float[] x, float[] dy, float[] dx, int lo, int hi) {
        for (int i = lo; i < hi; i++) { float m = Math.min(Math.max(x[i] * 0x1p100f * 0x1p100f, 0f), 1f); dx[i] = dy[i] * m; }
    }
    public static void main(String[] a) {
        int n = Integer.parseInt(a.length > 0 ? a[0] : "32768");
        java.util.Random r = new java.util.Random(1);
        float[] x = new float[n], y = new float[n], dy = new float[n], dx = new float[n];
        for (int i = 0; i < n; i++) { x[i] = (float) r.nextGaussian(); dy[i] = (float) r.nextGaussian(); }
        String[] names = {"fwdTernary", "fwdMax", "fwdBits", "fwdMaxNan", "bwdTernary", "bwdBits", "bwdMul"};
        float sink = 0;
        for (int round = 0; round < 3; round++) {
            for (int v = 0; v < names.length; v++) {
                int reps = 20000;
                long[] ts = new long[9];
                for (int k = 0; k < 9; k++) {
                    long t0 = System.nanoTime();
                    for (int q = 0; q < reps / 9; q++) {
                        switch (v) {
                            case 0 -> fwdTernary(x, y, 0, n);
                            case 1 -> fwdMax(x, y, 0, n);
                            case 2 -> fwdBits(x, y, 0, n);
                            case 3 -> sink += fwdMaxNan(x, y, 0, n);
                            case 4 -> bwdTernary(x, dy, dx, 0, n);
                            case 5 -> bwdBits(x, dy, dx, 0, n);
                            case 6 -> bwdMul(x, dy, dx, 0, n);
                        }
                    }
                    ts[k] = (System.nanoTime() - t0) / (reps / 9);
                }
                java.util.Arrays.sort(ts);
                if (round == 2) System.out.printf("%-12s median %.2f us per %d%n", names[v], ts[4] / 1000.0, n);
            }
        }
        System.out.println(sink + y[3] + dx[5]);
    }
}
