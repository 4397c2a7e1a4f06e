package io.myelin.backend.cpu;
import java.util.*;
public class GemmForms {
    public static void main(String[] a) {
        Gemm g = GemmProviders.select();
        int B = Integer.parseInt(a[0]);
        int[][] layers = {{784, 256}, {256, 256}, {256, 10}};
        Random r = new Random(1);
        // name, transA, transB, m, n, k
        List<Object[]> cases = new ArrayList<>();
        for (int[] l : layers) {
            int in = l[0], out = l[1];
            cases.add(new Object[]{"myelin fwd x.W (NN) " + in + "->" + out, false, false, B, out, in});
            cases.add(new Object[]{"torch  fwd x.W^T (NT)", false, true, B, out, in});
            cases.add(new Object[]{"myelin dW x^T.dy (TN) ", true, false, in, out, B});
            cases.add(new Object[]{"torch  dW dy^T.x (TN) ", true, false, out, in, B});
            if (in != 784) {
                cases.add(new Object[]{"myelin dX dy.W^T (NT) ", false, true, B, in, out});
                cases.add(new Object[]{"torch  dX dy.W (NN)   ", false, false, B, in, out});
            }
        }
        for (int round = 0; round < 2; round++) for (Object[] c : cases) {
            boolean ta = (Boolean) c[1], tb = (Boolean) c[2]; int m = (Integer) c[3], n = (Integer) c[4], k = (Integer) c[5];
            float[] A = new float[m * k], Bm = new float[k * n], C = new float[m * n];
            for (int i = 0; i < A.length; i++) A[i] = r.nextFloat(); for (int i = 0; i < Bm.length; i++) Bm[i] = r.nextFloat();
            double[] t = new double[15];
            for (int w = 0; w < 5; w++) g.sgemm(ta, tb, m, n, k, 1f, A, Bm, 0f, C);
            for (int i = 0; i < t.length; i++) { long t0 = System.nanoTime(); g.sgemm(ta, tb, m, n, k, 1f, A, Bm, 0f, C); t[i] = (System.nanoTime() - t0) * 1e-6; }
            Arrays.sort(t);
            if (round == 1) System.out.printf("%-32s m=%4d n=%4d k=%4d  %.3f ms  %.0f GFLOPS%n", c[0], m, n, k, t[7], 2.0 * m * n * k / t[7] / 1e6);
        }
    }
}
