import jdk.incubator.vector.*;
public class ReluVectorApi {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static void fwdMax(float[] x, float[] y, int lo, int hi) { for (int i = lo; i < hi; i++) y[i] = Math.max(x[i], 0f); }
    static boolean anyNaN(float[] x, int lo, int hi) { for (int i = lo; i < hi; i++) if (x[i] != x[i]) return true; return false; }
    static boolean fwdMaxCheck(float[] x, float[] y, int lo, int hi) { fwdMax(x, y, lo, hi); return anyNaN(y, lo, hi); }
    static boolean fwdBlocks(float[] x, float[] y, int lo, int hi) {
        boolean bad = false;
        for (int b = lo; b < hi; b += 2048) { int e = Math.min(hi, b + 2048); fwdMax(x, y, b, e); bad |= anyNaN(y, b, e); }
        return bad;
    }
    static float sumCheck(float[] x, int lo, int hi) { float s = 0; for (int i = lo; i < hi; i++) s += x[i] * 0f; return s; }
    static void fwdVec(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        FloatVector z = FloatVector.zero(S);
        for (; i <= hi - S.length(); i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            z.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
        }
        for (; i < hi; i++) y[i] = x[i] > 0 ? x[i] : 0f;
    }
    static void bwdVec(float[] x, float[] dy, float[] dx, int lo, int hi) {
        int i = lo;
        FloatVector z = FloatVector.zero(S);
        for (; i <= hi - S.length(); i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector g = FloatVector.fromArray(S, dy, i);
            z.blend(g, v.compare(VectorOperators.GT, 0f)).intoArray(dx, i);
        }
        for (; i < hi; i++) dx[i] = x[i] > 0 ? dy[i] : 0f;
    }
    static void bwdTernary(float[] x, float[] dy, float[] dx, int lo, int hi) { for (int i = lo; i < hi; i++) dx[i] = x[i] > 0 ? dy[i] : 0f; }
    static void fwdTernary(float[] x, float[] y, int lo, int hi) { for (int i = lo; i < hi; i++) y[i] = x[i] > 0 ? x[i] : 0f; }
    public static void main(String[] a) {
        int n = Integer.parseInt(a.length > 0 ? a[0] : "32768");
        java.util.Random r = new java.util.Random(1);
        float[] x = new float[n], y = new float[n], dy = new float[n], dx = new float[n];
        for (int i = 0; i < n; i++) { x[i] = (float) r.nextGaussian(); dy[i] = (float) r.nextGaussian(); }
        String[] names = {"fwdTernary", "fwdMax", "fwdMaxCheck", "fwdBlocks", "sumCheck", "fwdVec", "bwdTernary", "bwdVec"};
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
                            case 2 -> sink += fwdMaxCheck(x, y, 0, n) ? 1 : 0;
                            case 3 -> sink += fwdBlocks(x, y, 0, n) ? 1 : 0;
                            case 4 -> sink += sumCheck(x, 0, n);
                            case 5 -> fwdVec(x, y, 0, n);
                            case 6 -> bwdTernary(x, dy, dx, 0, n);
                            case 7 -> bwdVec(x, dy, dx, 0, n);
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
