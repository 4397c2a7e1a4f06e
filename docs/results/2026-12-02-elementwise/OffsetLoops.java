public class OffsetLoops {
    static void binary(float[] x, float[] y, int yo, float[] out, int o, int n) { for (int i = 0; i < n; i++) out[o + i] = x[o + i] + y[yo + i]; }
    static void same(float[] x, float[] y, float[] out, int lo, int hi) { for (int i = lo; i < hi; i++) out[i] = x[i] + y[i]; }
    static void scal(float[] x, float s, float[] out, int o, int n) { for (int i = o; i < o + n; i++) out[i] = x[i] + s; }
    public static void main(String[] a) {
        int n = 262144;
        float[] x = new float[n], y = new float[n], out = new float[n];
        String[] names = {"binary(o,yo)", "same-index", "scalar-bcast"};
        for (int round = 0; round < 3; round++) for (int v = 0; v < names.length; v++) {
            long[] ts = new long[9];
            for (int k = 0; k < 9; k++) { long t0 = System.nanoTime();
                for (int q = 0; q < 100; q++) { switch (v) { case 0 -> binary(x, y, 0, out, 0, n); case 1 -> same(x, y, out, 0, n); case 2 -> scal(x, 1f, out, 0, n); } }
                ts[k] = (System.nanoTime() - t0) / 100; }
            java.util.Arrays.sort(ts);
            if (round == 2) System.out.printf("%-14s median %.1f us per %d%n", names[v], ts[4] / 1000.0, n);
        }
    }
}
