package io.myelin.backend.cpu;

import io.myelin.backend.ConvGeometry;

import java.util.Arrays;
import java.util.Random;

/**
 * The CPU kernels' fast paths against their general routines, alternated in one JVM on the same data (the
 * general routine is the peer measured in the same run): max-pool forward (2x2 stride-2 pairs against the
 * general window loop), im2col (whole planes against rows) and col2im (unit-stride rows against the strided
 * loop), on the layers of docs/examples/fashion-cnn.json at batch 128, as {@link ConvStepProfile} calls them
 * in one step (im2col twice per conv layer, col2im for the second layer only). Not a test: run it by hand
 * (docs/benchmarks.md):
 * <pre>
 *   mvn -B -q -o -DskipTests package && mvn -B -q -o test-compile
 *   java -cp target/myelin-0.1.0-SNAPSHOT-cli.jar:target/test-classes io.myelin.backend.cpu.FastPathProfile [reps]
 * </pre>
 * Prints, per kernel, the median milliseconds per step of each path and the median of the per-repetition
 * ratios fast/general (the two run back to back, their order alternating).
 */
public final class FastPathProfile {
    private FastPathProfile() {
    }

    /** One kernel on one path over a whole step's calls. */
    private interface Path {
        void run();
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 31;
        int n = 128;
        Random r = new Random(1);
        ConvGeometry[] convs = {ConvGeometry.of(1, 28, 28, 3, 3, 1, 1, true), ConvGeometry.of(32, 14, 14, 3, 3, 1, 1, true)};
        ConvGeometry[] pools = {ConvGeometry.of(32, 28, 28, 2, 2, 2, 2, false), ConvGeometry.of(64, 14, 14, 2, 2, 2, 2, false)};
        float[][] px = new float[2][];
        float[][] py = new float[2][];
        float[][] arg = new float[2][];
        float[][] cx = new float[2][];
        float[][] cols = new float[2][];
        for (int l = 0; l < 2; l++) {
            px[l] = random(r, n * pools[l].inputSize());
            py[l] = new float[n * pools[l].channels() * pools[l].outputPlane()];
            arg[l] = new float[py[l].length];
            cx[l] = random(r, n * convs[l].inputSize());
            cols[l] = random(r, convs[l].patchSize() * ConvKernels.chunkImages(convs[l], n) * convs[l].outputPlane());
        }
        float[] dx = new float[cx[1].length];
        String[] names = {"maxpool fwd", "im2col", "col2im"};
        Path[][] paths = {
                {() -> {
                    for (int l = 0; l < 2; l++) {
                        PoolKernels.maxForwardGeneral(pools[l], px[l], py[l], arg[l], 0, n);
                    }
                }, () -> {
                    for (int l = 0; l < 2; l++) {
                        PoolKernels.maxForward(pools[l], px[l], py[l], arg[l], 0, n);
                    }
                }},
                {() -> {
                    for (ConvGeometry g : convs) {
                        chunks(g, n, (l, i0, nb) -> ConvKernels.im2colRows(g, cx[l], i0, nb, cols[l]));
                    }
                }, () -> {
                    for (ConvGeometry g : convs) {
                        chunks(g, n, (l, i0, nb) -> ConvKernels.im2col(g, cx[l], i0, nb, cols[l]));
                    }
                }},
                {() -> chunks(convs[1], n, (l, i0, nb) -> ConvKernels.col2im(convs[1], cols[1], i0, nb, dx, false)),
                        () -> chunks(convs[1], n, (l, i0, nb) -> ConvKernels.col2im(convs[1], cols[1], i0, nb, dx))}};
        int[] perStep = {1, 2, 1};   // im2col runs twice per conv layer in a step
        double[][][] t = new double[names.length][2][reps];
        double[][] ratio = new double[names.length][reps];
        for (int warm = 0; warm < 5; warm++) {
            for (Path[] p : paths) {
                p[0].run();
                p[1].run();
            }
        }
        for (int rep = 0; rep < reps; rep++) {
            for (int k = 0; k < names.length; k++) {
                for (int j = 0; j < 2; j++) {
                    int which = (rep + j) % 2;
                    long a = System.nanoTime();
                    for (int c = 0; c < perStep[k]; c++) {
                        paths[k][which].run();
                    }
                    t[k][which][rep] = (System.nanoTime() - a) * 1e-6;
                }
                ratio[k][rep] = t[k][1][rep] / t[k][0][rep];
            }
        }
        System.out.printf("%-12s %10s %10s %14s%n", "kernel", "general", "fast", "fast/general");
        for (int k = 0; k < names.length; k++) {
            System.out.printf("%-12s %7.2f ms %7.2f ms %8.2f (p25 %.2f, p75 %.2f)%n", names[k], median(t[k][0]),
                    median(t[k][1]), median(ratio[k]), quantile(ratio[k], 0.25), quantile(ratio[k], 0.75));
        }
        System.out.printf("(batch %d, %d repetitions; per step: both pools, im2col of both conv layers twice, col2im of "
                + "the second)%n", n, reps);
    }

    /** One chunk of images of layer l (0 or 1). */
    private interface Chunk {
        void run(int l, int i0, int nb);
    }

    /** The chunks im2col + GEMM would use over n images of g (layer 1 when g has 32 channels). */
    private static void chunks(ConvGeometry g, int n, Chunk c) {
        int l = g.channels() == 1 ? 0 : 1;
        int chunk = ConvKernels.chunkImages(g, n);
        for (int i0 = 0; i0 < n; i0 += chunk) {
            c.run(l, i0, Math.min(chunk, n - i0));
        }
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
