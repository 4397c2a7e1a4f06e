package io.myelin.backend;

import io.myelin.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.myelin.backend.ContractCases.normal;
import static io.myelin.backend.ContractCases.rejects;
import static io.myelin.backend.ContractCases.rng;
import static io.myelin.backend.ContractCases.sumBound;
import static io.myelin.backend.ContractCases.t;

/**
 * The contract cases of the convolution, pooling and layout ops, against the direct double loops of
 * {@link ConvReference}: odd image sizes, stride 2, "valid" and "same" padding, 1x1, 3x3, 3x2 and 5x5
 * windows, one channel and many, batches of one and several. Tolerances: convolutions and their gradients
 * are sums (the float summation bound of {@link ContractCases}); max pooling, its argmax and routing,
 * and the transpose are exact; average pooling is a sum and one division (ARITH-sized bound).
 */
final class ConvContractCases {
    /** (n, C, H, W, kh, kw, stride, same, filters). */
    static final int[][] CONV = {
            {2, 1, 7, 9, 3, 3, 1, 0, 1},
            {3, 3, 9, 7, 5, 5, 2, 1, 6},
            {2, 4, 6, 5, 1, 1, 1, 0, 3},
            {1, 2, 11, 10, 3, 2, 2, 0, 4},
            {2, 5, 5, 5, 5, 5, 1, 1, 2},
            {5, 3, 8, 8, 3, 3, 1, 1, 7},
            {1, 1, 1, 1, 1, 1, 1, 0, 1}};
    /** (n, C, H, W, pool, stride, same). */
    static final int[][] POOL = {
            {2, 1, 7, 7, 2, 2, 0},
            {3, 3, 7, 9, 3, 2, 1},
            {2, 2, 6, 6, 3, 1, 0},
            {2, 4, 5, 5, 5, 1, 0},
            {1, 2, 9, 9, 1, 1, 0},
            {4, 3, 8, 8, 2, 2, 1},
            {1, 1, 1, 1, 1, 1, 1}};

    private ConvContractCases() {
    }

    /** The cases, in SPI order. */
    static List<ContractCases.OpCase> all() {
        List<ContractCases.OpCase> c = new ArrayList<>();
        c.add(new ContractCases.OpCase("conv2dForward", ConvContractCases::conv2dForward));
        c.add(new ContractCases.OpCase("conv2dBackward", ConvContractCases::conv2dBackward));
        c.add(new ContractCases.OpCase("maxPool2dForward", ConvContractCases::maxPool2dForward));
        c.add(new ContractCases.OpCase("maxPool2dBackward", ConvContractCases::maxPool2dBackward));
        c.add(new ContractCases.OpCase("avgPool2dForward", ConvContractCases::avgPool2dForward));
        c.add(new ContractCases.OpCase("avgPool2dBackward", ConvContractCases::avgPool2dBackward));
        c.add(new ContractCases.OpCase("batchTranspose", ConvContractCases::batchTranspose));
        return c;
    }

    static ConvGeometry conv(int[] s) {
        return ConvGeometry.of(s[1], s[2], s[3], s[4], s[5], s[6], s[6], s[7] == 1);
    }

    static ConvGeometry pool(int[] s) {
        return ConvGeometry.of(s[1], s[2], s[3], s[4], s[4], s[5], s[5], s[6] == 1);
    }

    private static String what(String op, ConvGeometry g, int n) {
        return op + " n=" + n + " " + g.describe();
    }

    private static void conv2dForward(Backend b) {
        Random r = rng("conv2dForward");
        for (int[] s : CONV) {
            ConvGeometry g = conv(s);
            int n = s[0];
            int f = s[8];
            float[] x = normal(r, n * g.inputSize(), 1);
            float[] w = normal(r, f * g.patchSize(), 1);
            float[] bias = normal(r, f, 1);
            for (boolean withBias : new boolean[] {true, false}) {
                double[][] ref = ConvReference.convForward(g, n, f, x, w, withBias ? bias : null);
                Tensor y = Tensor.full(b, Float.NaN, n, f * g.outputPlane());
                b.conv2dForward(g, t(b, x, n, g.inputSize()), t(b, w, f, g.patchSize()),
                        withBias ? t(b, bias, 1, f) : null, y);
                Approx.assertWithin(what("conv2dForward", g, n) + " bias=" + withBias, ref[0], y.toArray(),
                        sumBound(ref[1], g.patchSize() + 1, 1e-6));
            }
        }
        ConvGeometry g = ConvGeometry.of(2, 5, 5, 3, 3, 1, 1, false);
        rejects("conv2dForward with a wrong kernel", "conv2dForward: w (4, 9) must be (4, 18)",
                () -> b.conv2dForward(g, Tensor.zeros(b, 2, 50), Tensor.zeros(b, 4, 9), null, Tensor.zeros(b, 2, 36)));
        rejects("conv2dForward with a wrong output", "conv2dForward: y (2, 35) must be (2, 36)",
                () -> b.conv2dForward(g, Tensor.zeros(b, 2, 50), Tensor.zeros(b, 4, 18), null, Tensor.zeros(b, 2, 35)));
        rejects("conv2dForward with a wrong input",
                "conv2dForward: x (2, 49) must have 50 columns (C*H*W of " + g.describe() + ")",
                () -> b.conv2dForward(g, Tensor.zeros(b, 2, 49), Tensor.zeros(b, 4, 18), null, Tensor.zeros(b, 2, 36)));
    }

    private static void conv2dBackward(Backend b) {
        Random r = rng("conv2dBackward");
        for (int[] s : CONV) {
            ConvGeometry g = conv(s);
            int n = s[0];
            int f = s[8];
            float[] x = normal(r, n * g.inputSize(), 1);
            float[] w = normal(r, f * g.patchSize(), 1);
            float[] dy = normal(r, n * f * g.outputPlane(), 1);
            float[] dw0 = normal(r, w.length, 1);
            float[] db0 = normal(r, f, 1);
            double[][] ref = ConvReference.convBackward(g, n, f, x, w, dy);
            int termsW = n * g.outputPlane() + 1;
            for (boolean accumulate : new boolean[] {false, true}) {
                Tensor dx = Tensor.full(b, Float.NaN, n, g.inputSize());
                Tensor dw = accumulate ? t(b, dw0, f, g.patchSize()) : Tensor.full(b, Float.NaN, f, g.patchSize());
                Tensor db = accumulate ? t(b, db0, 1, f) : Tensor.full(b, Float.NaN, 1, f);
                b.conv2dBackward(g, t(b, x, n, g.inputSize()), t(b, w, f, g.patchSize()),
                        t(b, dy, n, f * g.outputPlane()), dx, dw, db, accumulate);
                String what = what("conv2dBackward", g, n) + " accumulate=" + accumulate;
                double[] ew = ref[2].clone();
                double[] aw = ref[3].clone();
                double[] eb = ref[4].clone();
                double[] ab = ref[5].clone();
                if (accumulate) {
                    for (int i = 0; i < ew.length; i++) {
                        ew[i] += dw0[i];
                        aw[i] += Math.abs(dw0[i]);
                    }
                    for (int i = 0; i < f; i++) {
                        eb[i] += db0[i];
                        ab[i] += Math.abs(db0[i]);
                    }
                }
                Approx.assertWithin(what + " dx", ref[0], dx.toArray(), sumBound(ref[1], f * g.patchSize(), 1e-6));
                Approx.assertWithin(what + " dw", ew, dw.toArray(), sumBound(aw, termsW, 1e-6));
                Approx.assertWithin(what + " dbias", eb, db.toArray(), sumBound(ab, termsW, 1e-6));
            }
            // Each output is optional: dx alone, dw alone.
            Tensor dxOnly = Tensor.full(b, Float.NaN, n, g.inputSize());
            b.conv2dBackward(g, t(b, x, n, g.inputSize()), t(b, w, f, g.patchSize()),
                    t(b, dy, n, f * g.outputPlane()), dxOnly, null, null, false);
            Approx.assertWithin(what("conv2dBackward dx only", g, n), ref[0], dxOnly.toArray(),
                    sumBound(ref[1], f * g.patchSize(), 1e-6));
            Tensor dwOnly = Tensor.full(b, Float.NaN, f, g.patchSize());
            b.conv2dBackward(g, t(b, x, n, g.inputSize()), t(b, w, f, g.patchSize()),
                    t(b, dy, n, f * g.outputPlane()), null, dwOnly, null, false);
            Approx.assertWithin(what("conv2dBackward dw only", g, n), ref[2], dwOnly.toArray(),
                    sumBound(ref[3], termsW, 1e-6));
        }
        ConvGeometry g = ConvGeometry.of(2, 5, 5, 3, 3, 1, 1, false);
        Tensor x = Tensor.zeros(b, 2, 50);
        rejects("conv2dBackward with dx aliasing x", "conv2dBackward: x (2, 50) and dx (2, 50) must not share a buffer",
                () -> b.conv2dBackward(g, x, Tensor.zeros(b, 4, 18), Tensor.zeros(b, 2, 36), x, null, null, false));
        rejects("conv2dBackward with a wrong dy", "conv2dBackward: dy (2, 35) must be (2, 36)",
                () -> b.conv2dBackward(g, x, Tensor.zeros(b, 4, 18), Tensor.zeros(b, 2, 35), null, null, null, false));
    }

    /** Inputs with ties (small integers) and, in the first sample, one NaN. */
    private static float[] poolInput(Random r, int size, boolean nan) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = r.nextInt(5) - 2;
        }
        if (nan && size > 3) {
            x[3] = Float.NaN;
        }
        return x;
    }

    private static void maxPool2dForward(Backend b) {
        Random r = rng("maxPool2dForward");
        for (int[] s : POOL) {
            ConvGeometry g = pool(s);
            int n = s[0];
            float[] x = poolInput(r, n * g.inputSize(), true);
            double[][] ref = ConvReference.maxPool(g, n, x);
            int outCols = g.channels() * g.outputPlane();
            Tensor y = Tensor.full(b, -7f, n, outCols);
            Tensor arg = Tensor.full(b, -7f, n, outCols);
            b.maxPool2dForward(g, t(b, x, n, g.inputSize()), y, arg);
            Approx.assertExact(what("maxPool2dForward", g, n) + " y", toFloat(ref[0]), y.toArray());
            Approx.assertExact(what("maxPool2dForward", g, n) + " argmax", toFloat(ref[1]), arg.toArray());
            Tensor yOnly = Tensor.full(b, -7f, n, outCols);
            b.maxPool2dForward(g, t(b, x, n, g.inputSize()), yOnly, null);
            Approx.assertExact(what("maxPool2dForward without argmax", g, n), toFloat(ref[0]), yOnly.toArray());
        }
        maxPoolSpecialValues(b, r);
        ConvGeometry g = ConvGeometry.of(1, 4, 4, 2, 2, 2, 2, false);
        rejects("maxPool2dForward with a wrong output", "maxPool2dForward: y (2, 5) must be (2, 4)",
                () -> b.maxPool2dForward(g, Tensor.zeros(b, 2, 16), Tensor.zeros(b, 2, 5), null));
    }

    /**
     * Max pooling of the values where a maximum and its first position are easy to get wrong: NaN, both
     * zeros, both infinities, ties. First every 2x2 window over {-inf, -0, 0, 1, NaN} (625 windows: NaN in
     * each position, -0/0 in both orders, all--inf windows), as one image of 625 channels and as 5 images of
     * 125; then random such values on {@link #SPECIAL_POOL}.
     */
    private static void maxPoolSpecialValues(Backend b, Random r) {
        float[] v = {Float.NEGATIVE_INFINITY, -0f, 0f, 1f, Float.NaN};
        float[] x = new float[625 * 4];
        for (int i = 0; i < 625; i++) {
            for (int k = 0, rest = i; k < 4; k++, rest /= 5) {
                x[4 * i + k] = v[rest % 5];
            }
        }
        maxPoolExact(b, ConvGeometry.of(625, 2, 2, 2, 2, 2, 2, false), 1, x, "every 2x2 window of specials");
        maxPoolExact(b, ConvGeometry.of(125, 2, 2, 2, 2, 2, 2, false), 5, x, "every 2x2 window of specials");
        float[] specials = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -0f, 0f, 1f, -1f, Float.NaN};
        for (int[] s : SPECIAL_POOL) {
            ConvGeometry g = pool(s);
            int n = s[0];
            float[] xs = new float[n * g.inputSize()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = specials[r.nextInt(specials.length)];
            }
            maxPoolExact(b, g, n, xs, "random specials");
        }
    }

    /**
     * (n, C, H, W, pool, stride, same) for {@link #maxPoolSpecialValues}: 2x2 stride-2 windows inside the
     * image (even and odd sizes, the odd last row and column in no window; one image and several), "same"
     * 2x2 stride 2 on odd sizes (the last windows clipped), and windows larger than the image.
     */
    static final int[][] SPECIAL_POOL = {
            {1, 1, 2, 2, 2, 2, 0},
            {1, 3, 5, 7, 2, 2, 0},
            {4, 2, 6, 4, 2, 2, 0},
            {2, 1, 28, 28, 2, 2, 0},
            {3, 2, 7, 5, 2, 2, 1},
            {2, 2, 1, 1, 2, 2, 1},
            {2, 1, 2, 3, 3, 1, 1},
            {1, 2, 3, 2, 5, 2, 1}};

    private static void maxPoolExact(Backend b, ConvGeometry g, int n, float[] x, String inputs) {
        double[][] ref = ConvReference.maxPool(g, n, x);
        int outCols = g.channels() * g.outputPlane();
        Tensor y = Tensor.full(b, -7f, n, outCols);
        Tensor arg = Tensor.full(b, -7f, n, outCols);
        b.maxPool2dForward(g, t(b, x, n, g.inputSize()), y, arg);
        String what = what("maxPool2dForward", g, n) + " on " + inputs;
        Approx.assertExact(what + " y", toFloat(ref[0]), y.toArray());
        Approx.assertExact(what + " argmax", toFloat(ref[1]), arg.toArray());
        Tensor yOnly = Tensor.full(b, -7f, n, outCols);
        b.maxPool2dForward(g, t(b, x, n, g.inputSize()), yOnly, null);
        Approx.assertExact(what + " without argmax", toFloat(ref[0]), yOnly.toArray());
    }

    private static void maxPool2dBackward(Backend b) {
        Random r = rng("maxPool2dBackward");
        for (int[] s : POOL) {
            ConvGeometry g = pool(s);
            int n = s[0];
            float[] x = poolInput(r, n * g.inputSize(), false);
            float[] arg = toFloat(ConvReference.maxPool(g, n, x)[1]);
            float[] dy = normal(r, n * g.channels() * g.outputPlane(), 1);
            double[] ref = ConvReference.maxPoolBackward(g, n, dy, arg);
            Tensor dx = Tensor.full(b, Float.NaN, n, g.inputSize());
            b.maxPool2dBackward(g, t(b, dy, n, dy.length / n), t(b, arg, n, arg.length / n), dx);
            // overlapping windows (stride < pool) sum a few terms in any order
            Approx.assertWithin(what("maxPool2dBackward", g, n), ref, dx.toArray(),
                    sumBound(routedAbs(g, n, dy, arg), g.kernelH() * g.kernelW(), 0));
        }
        ConvGeometry g = ConvGeometry.of(1, 4, 4, 2, 2, 2, 2, false);
        rejects("maxPool2dBackward with a wrong argmax", "maxPool2dBackward: argmax (2, 5) must be (2, 4)",
                () -> b.maxPool2dBackward(g, Tensor.zeros(b, 2, 4), Tensor.zeros(b, 2, 5), Tensor.zeros(b, 2, 16)));
        rejects("maxPool2dBackward without argmax", "maxPool2dBackward: argmax must not be null",
                () -> b.maxPool2dBackward(g, Tensor.zeros(b, 2, 4), null, Tensor.zeros(b, 2, 16)));
    }

    private static double[] routedAbs(ConvGeometry g, int n, float[] dy, float[] arg) {
        float[] a = dy.clone();
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.abs(a[i]);
        }
        return ConvReference.maxPoolBackward(g, n, a, arg);
    }

    private static void avgPool2dForward(Backend b) {
        Random r = rng("avgPool2dForward");
        for (int[] s : POOL) {
            ConvGeometry g = pool(s);
            int n = s[0];
            float[] x = normal(r, n * g.inputSize(), 1);
            float[] ax = x.clone();
            for (int i = 0; i < ax.length; i++) {
                ax[i] = Math.abs(ax[i]);
            }
            double[] ref = ConvReference.avgPool(g, n, x);
            double[] abs = ConvReference.avgPool(g, n, ax);
            Tensor y = Tensor.full(b, Float.NaN, n, g.channels() * g.outputPlane());
            b.avgPool2dForward(g, t(b, x, n, g.inputSize()), y);
            Approx.assertWithin(what("avgPool2dForward", g, n), ref, y.toArray(),
                    sumBound(abs, g.kernelH() * g.kernelW() + 2, 1e-7));
        }
        ConvGeometry g = ConvGeometry.of(1, 4, 4, 2, 2, 2, 2, false);
        rejects("avgPool2dForward with a wrong input",
                "avgPool2dForward: x (2, 15) must have 16 columns (C*H*W of " + g.describe() + ")",
                () -> b.avgPool2dForward(g, Tensor.zeros(b, 2, 15), Tensor.zeros(b, 2, 4)));
    }

    private static void avgPool2dBackward(Backend b) {
        Random r = rng("avgPool2dBackward");
        for (int[] s : POOL) {
            ConvGeometry g = pool(s);
            int n = s[0];
            float[] dy = normal(r, n * g.channels() * g.outputPlane(), 1);
            float[] ady = dy.clone();
            for (int i = 0; i < ady.length; i++) {
                ady[i] = Math.abs(ady[i]);
            }
            double[] ref = ConvReference.avgPoolBackward(g, n, dy);
            double[] abs = ConvReference.avgPoolBackward(g, n, ady);
            Tensor dx = Tensor.full(b, Float.NaN, n, g.inputSize());
            b.avgPool2dBackward(g, t(b, dy, n, dy.length / n), dx);
            Approx.assertWithin(what("avgPool2dBackward", g, n), ref, dx.toArray(),
                    sumBound(abs, g.kernelH() * g.kernelW() + 2, 1e-7));
        }
        ConvGeometry g = ConvGeometry.of(1, 4, 4, 2, 2, 2, 2, false);
        Tensor dy = Tensor.zeros(b, 2, 4);
        rejects("avgPool2dBackward with a wrong dx", "avgPool2dBackward: dy (2, 4) must be (3, 4)",
                () -> b.avgPool2dBackward(g, dy, Tensor.zeros(b, 3, 16)));
    }

    private static void batchTranspose(Backend b) {
        Random r = rng("batchTranspose");
        int[][] shapes = {{1, 1, 1}, {3, 7, 5}, {2, 1, 9}, {4, 129, 3}, {1, 257, 129}};
        for (int[] s : shapes) {
            int count = s[0];
            int rows = s[1];
            int cols = s[2];
            float[] x = normal(r, count * rows * cols, 1);
            float[] expected = new float[x.length];
            for (int m = 0; m < count; m++) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        expected[m * rows * cols + j * rows + i] = x[m * rows * cols + i * cols + j];
                    }
                }
            }
            Tensor out = Tensor.full(b, Float.NaN, count * cols, rows);
            b.batchTranspose(t(b, x, count, rows * cols), rows, cols, out);
            Approx.assertExact("batchTranspose " + count + " x (" + rows + ", " + cols + ")", expected, out.toArray());
        }
        Tensor x = Tensor.zeros(b, 2, 6);
        rejects("batchTranspose of partial matrices", "batchTranspose: x (2, 6) must hold whole (4, 2) matrices",
                () -> b.batchTranspose(x, 4, 2, Tensor.zeros(b, 2, 6)));
        rejects("batchTranspose in place", "batchTranspose: x (2, 6) and out (2, 6) must not share a buffer",
                () -> b.batchTranspose(x, 2, 3, x));
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
