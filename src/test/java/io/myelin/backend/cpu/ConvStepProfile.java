package io.myelin.backend.cpu;

import io.myelin.backend.ConvGeometry;

import java.util.Arrays;
import java.util.Random;

/**
 * Where a CPU convolution step's time goes: the phases of {@link CpuBackend#conv2dForward} and
 * {@link CpuBackend#conv2dBackward} (im2col, GEMM, scatter/gather, col2im) and pooling, timed one by one on
 * the layers of docs/examples/fashion-cnn.json at batch 128. Not a test: run it by hand (docs/benchmarks.md):
 * <pre>
 *   mvn -B -q -o -DskipTests package && mvn -B -q -o test-compile
 *   java -cp target/myelin-0.1.0-SNAPSHOT-cli.jar:target/test-classes io.myelin.backend.cpu.ConvStepProfile [reps]
 * </pre>
 * Prints the median milliseconds per phase per step (forward + backward of both conv layers and both pools).
 */
public final class ConvStepProfile {
    private ConvStepProfile() {
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Gemm gemm = GemmProviders.select();
        System.out.println("gemm: " + gemm.name() + " (" + gemm.description() + "), chunk " + ConvKernels.CHUNK_FLOATS
                + " floats");
        int n = 128;
        ConvGeometry[] convs = {ConvGeometry.of(1, 28, 28, 3, 3, 1, 1, true), ConvGeometry.of(32, 14, 14, 3, 3, 1, 1, true)};
        int[] filters = {32, 64};
        boolean[] wantDx = {false, true};
        ConvGeometry[] pools = {ConvGeometry.of(32, 28, 28, 2, 2, 2, 2, false), ConvGeometry.of(64, 14, 14, 2, 2, 2, 2, false)};
        String[] phases = {"im2col", "gemm fwd", "scatter", "gather dy", "bias grad", "gemm dW", "gemm dcols", "col2im",
                "maxpool fwd", "maxpool bwd"};
        double[][] t = new double[phases.length][reps];
        Random r = new Random(1);
        // every array is allocated once and refilled each repetition: fresh 10 MB arrays per repetition made
        // G1 collect (humongous allocations) inside whichever phase came next
        float[][][] buf = new float[2][][];
        for (int l = 0; l < 2; l++) {
            ConvGeometry g = convs[l];
            int f = filters[l];
            int chunk = ConvKernels.chunkImages(g, n);
            ConvGeometry p = pools[l];
            int pooled = n * p.channels() * p.outputPlane();
            buf[l] = new float[][] {new float[n * g.inputSize()], new float[f * g.patchSize()],
                    new float[n * f * g.outputPlane()], new float[n * g.inputSize()], new float[f * g.patchSize()],
                    new float[g.patchSize() * chunk * g.outputPlane()], new float[f * chunk * g.outputPlane()],
                    new float[n * p.inputSize()], new float[pooled], new float[pooled], new float[n * p.inputSize()]};
        }
        for (int rep = 0; rep < reps; rep++) {
            for (int l = 0; l < 2; l++) {
                ConvGeometry g = convs[l];
                int f = filters[l];
                int k = g.patchSize();
                int plane = g.outputPlane();
                float[] x = random(r, buf[l][0]);
                float[] w = random(r, buf[l][1]);
                float[] y = buf[l][2];
                float[] dx = buf[l][3];
                float[] dw = buf[l][4];
                double[] sums = new double[f];
                int chunk = ConvKernels.chunkImages(g, n);
                float[] cols = buf[l][5];
                float[] out = buf[l][6];
                for (int i0 = 0; i0 < n; i0 += chunk) {
                    int nb = Math.min(chunk, n - i0);
                    long a = System.nanoTime();
                    ConvKernels.im2col(g, x, i0, nb, cols);
                    long b = System.nanoTime();
                    gemm.sgemm(false, false, f, nb * plane, k, 1f, w, cols, 0f, out);
                    long c = System.nanoTime();
                    ConvKernels.scatterOutput(out, null, f, plane, i0, nb, y);
                    long d = System.nanoTime();
                    t[0][rep] += (b - a) * 1e-6;
                    t[1][rep] += (c - b) * 1e-6;
                    t[2][rep] += (d - c) * 1e-6;
                }
                for (int i0 = 0; i0 < n; i0 += chunk) {
                    int nb = Math.min(chunk, n - i0);
                    int len = nb * plane;
                    long a = System.nanoTime();
                    ConvKernels.gatherGradient(y, f, plane, i0, nb, out);
                    long b = System.nanoTime();
                    ConvKernels.rowSums(out, f, len, sums);
                    long c = System.nanoTime();
                    ConvKernels.im2col(g, x, i0, nb, cols);
                    long d = System.nanoTime();
                    gemm.sgemm(false, true, f, k, len, 1f, out, cols, 1f, dw);
                    long e = System.nanoTime();
                    t[3][rep] += (b - a) * 1e-6;
                    t[4][rep] += (c - b) * 1e-6;
                    t[0][rep] += (d - c) * 1e-6;
                    t[5][rep] += (e - d) * 1e-6;
                    if (wantDx[l]) {
                        gemm.sgemm(true, false, k, len, f, 1f, w, out, 0f, cols);
                        long g2 = System.nanoTime();
                        ConvKernels.col2im(g, cols, i0, nb, dx);
                        long h = System.nanoTime();
                        t[6][rep] += (g2 - e) * 1e-6;
                        t[7][rep] += (h - g2) * 1e-6;
                    }
                }
                ConvGeometry p = pools[l];
                float[] px = random(r, buf[l][7]);
                float[] py = buf[l][8];
                float[] arg = buf[l][9];
                float[] pdx = buf[l][10];
                long a = System.nanoTime();
                PoolKernels.maxForward(p, px, py, arg, 0, n);
                long b = System.nanoTime();
                PoolKernels.maxBackward(p, py, arg, pdx, 0, n);
                long c = System.nanoTime();
                t[8][rep] += (b - a) * 1e-6;
                t[9][rep] += (c - b) * 1e-6;
            }
        }
        double total = 0;
        for (int i = 0; i < phases.length; i++) {
            double[] s = t[i].clone();
            Arrays.sort(s);
            double med = s[reps / 2];
            total += med;
            System.out.printf("%-12s %8.2f ms%n", phases[i], med);
        }
        System.out.printf("%-12s %8.2f ms (sum of medians; batch %d, both conv and pool layers, forward + backward)%n",
                "total", total, n);
    }

    private static float[] random(Random r, float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
