package io.myelin.backend;

import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import io.myelin.testing.TestBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference checks of every backward primitive against its forward, on every available backend
 * (DESIGN.md: "every op has a finite-difference gradient check"). The forward runs in float on the
 * backend; losses are summed in double from the downloaded outputs, and the central difference divides
 * by the actual float step {@code (float)(x+h) - (float)(x-h)}.
 *
 * <p>Error budget: the float rounding of the outputs contributes about {@code 2^-24 * |L| / h} and the
 * truncation {@code h^2 |L'''| / 6}; with h = 1e-2 (relative to |x| for activations) both stay near 1e-5
 * here. The tolerance {@code 3e-4 + 5e-3 * |analytic|} is ten times the observed noise (the checks also
 * pass at 3e-5 + 5e-4) and catches a gradient that is off by 2%, a missing term or a wrong factor.
 * Inputs stay at least 4h away from kinks (ReLU family, STEP, PReLU at 0).
 */
@SuppressWarnings("try") // scopes are opened for their effect (owning tensors), not referenced
class PrimitiveGradientCheckTest {
    private static final double H = 1e-2;
    private static final double ATOL = 3e-4;
    private static final double RTOL = 5e-3;

    private static void check(String what, double analytic, double numeric) {
        if (!(Math.abs(analytic - numeric) <= ATOL + RTOL * Math.abs(analytic))) {
            fail(String.format("%s: analytic %.6g, central difference %.6g", what, analytic, numeric));
        }
    }

    /** Values of N(0, sd^2), pushed at least {@code gap} away from zero. */
    private static float[] awayFromZero(Random r, int n, double sd, double gap) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double x = r.nextGaussian() * sd;
            v[i] = (float) (Math.abs(x) < gap ? Math.copySign(gap, x) + x : x);
        }
        return v;
    }

    /** sum_i r_i * y_i in double. */
    private static double dot(float[] r, float[] y) {
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += (double) r[i] * y[i];
        }
        return s;
    }

    /**
     * Central difference of {@code loss} with respect to element i of {@code x}: the loss sees a copy of x
     * with element i moved by +-h (the actual float step is the denominator).
     */
    private static double central(float[] x, int i, double h, Function<float[], Double> loss) {
        float[] p = x.clone();
        float[] m = x.clone();
        p[i] = (float) (x[i] + h);
        m[i] = (float) (x[i] - h);
        return (loss.apply(p) - loss.apply(m)) / ((double) p[i] - m[i]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void activationBackwardIsTheDerivativeOfActivationForward(TestBackend backend) {
        Backend b = backend.get();
        try (Scope ignored = Scope.open()) {
            Random r = new Random(11);
            int n = 64;
            for (Activation act : Activation.values()) {
                float p = ContractCases.param(act);
                float[] x = awayFromZero(r, n, 2, 4 * H * 3);
                float[] dy = new float[n];
                java.util.Arrays.fill(dy, 1f);
                Tensor tx = Tensor.of(b, x, 1, n);
                Tensor y = Tensor.empty(b, 1, n);
                b.activationForward(act, p, tx, y);
                Tensor dx = Tensor.empty(b, 1, n);
                b.activationBackward(act, p, tx, y, Tensor.of(b, dy, 1, n), dx);
                float[] analytic = dx.toArray();
                // A step relative to |x| keeps the float rounding of x+-h small next to h.
                float[] xp = new float[n];
                float[] xm = new float[n];
                for (int i = 0; i < n; i++) {
                    double h = H * Math.max(1, Math.abs(x[i]) / 3);
                    xp[i] = (float) (x[i] + h);
                    xm[i] = (float) (x[i] - h);
                }
                float[] fp = forward(b, act, p, xp);
                float[] fm = forward(b, act, p, xm);
                for (int i = 0; i < n; i++) {
                    double numeric = ((double) fp[i] - fm[i]) / ((double) xp[i] - xm[i]);
                    check(backend + " " + act + " at x=" + x[i], analytic[i], numeric);
                }
            }
        }
    }

    private static float[] forward(Backend b, Activation act, float p, float[] x) {
        Tensor y = Tensor.empty(b, 1, x.length);
        b.activationForward(act, p, Tensor.of(b, x, 1, x.length), y);
        return y.toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void preluBackwardMatchesCentralDifferences(TestBackend backend) {
        Backend b = backend.get();
        try (Scope ignored = Scope.open()) {
            Random r = new Random(12);
            int rows = 6;
            int cols = 4;
            float[] x = awayFromZero(r, rows * cols, 1, 4 * H);
            float[] alpha = ContractCases.uniform(r, cols, 0.05, 0.5);
            float[] proj = ContractCases.normal(r, rows * cols, 1);
            Tensor dx = Tensor.empty(b, rows, cols);
            Tensor dalpha = Tensor.empty(b, 1, cols);
            b.preluBackward(Tensor.of(b, x, rows, cols), Tensor.of(b, alpha, 1, cols), Tensor.of(b, proj, rows, cols),
                    dx, dalpha, false);
            float[] gx = dx.toArray();
            float[] ga = dalpha.toArray();
            for (int i = 0; i < x.length; i++) {
                check(backend + " prelu dx[" + i + "]", gx[i],
                        central(x, i, H, xv -> dot(proj, prelu(b, xv, alpha, rows, cols))));
            }
            for (int j = 0; j < cols; j++) {
                check(backend + " prelu dalpha[" + j + "]", ga[j],
                        central(alpha, j, H, av -> dot(proj, prelu(b, x, av, rows, cols))));
            }
        }
    }

    private static float[] prelu(Backend b, float[] x, float[] alpha, int rows, int cols) {
        Tensor y = Tensor.empty(b, rows, cols);
        b.preluForward(Tensor.of(b, x, rows, cols), Tensor.of(b, alpha, 1, cols), y);
        return y.toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void batchNormBackwardMatchesCentralDifferences(TestBackend backend) {
        Backend b = backend.get();
        try (Scope ignored = Scope.open()) {
            Random r = new Random(13);
            int n = 6;
            int c = 3;
            float eps = 1e-3f;
            float[] x = ContractCases.normal(r, n * c, 1.5);
            float[] gamma = ContractCases.uniform(r, c, 0.5, 1.5);
            float[] beta = ContractCases.normal(r, c, 1);
            float[] proj = ContractCases.normal(r, n * c, 1);   // loss = sum proj * y
            Tensor mean = Tensor.empty(b, 1, c);
            Tensor invStd = Tensor.empty(b, 1, c);
            bnForward(b, x, gamma, beta, eps, n, c, mean, invStd);
            Tensor dx = Tensor.empty(b, n, c);
            Tensor dgamma = Tensor.empty(b, 1, c);
            Tensor dbeta = Tensor.empty(b, 1, c);
            b.batchNormBackward(Tensor.of(b, x, n, c), Tensor.of(b, gamma, 1, c), mean, invStd,
                    Tensor.of(b, proj, n, c), dx, dgamma, dbeta, false);
            float[] gx = dx.toArray();
            float[] gg = dgamma.toArray();
            float[] gb = dbeta.toArray();
            for (int i = 0; i < x.length; i++) {
                check(backend + " batchNorm dx[" + i + "]", gx[i],
                        central(x, i, H, xv -> dot(proj, bnForward(b, xv, gamma, beta, eps, n, c, null, null))));
            }
            for (int j = 0; j < c; j++) {
                check(backend + " batchNorm dgamma[" + j + "]", gg[j],
                        central(gamma, j, H, gv -> dot(proj, bnForward(b, x, gv, beta, eps, n, c, null, null))));
                check(backend + " batchNorm dbeta[" + j + "]", gb[j],
                        central(beta, j, H, bv -> dot(proj, bnForward(b, x, gamma, bv, eps, n, c, null, null))));
            }
        }
    }

    /** Training-mode forward; writes the batch statistics into mean/invStd when given. */
    private static float[] bnForward(Backend b, float[] x, float[] gamma, float[] beta, float eps, int n, int c,
                                     Tensor mean, Tensor invStd) {
        Tensor y = Tensor.empty(b, n, c);
        b.batchNormTrain(Tensor.of(b, x, n, c), Tensor.of(b, gamma, 1, c), Tensor.of(b, beta, 1, c), eps, 0.9f, false,
                Tensor.zeros(b, 1, c), Tensor.full(b, 1f, 1, c), y,
                mean != null ? mean : Tensor.empty(b, 1, c), invStd != null ? invStd : Tensor.empty(b, 1, c));
        return y.toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void softmaxCrossEntropyBackwardMatchesCentralDifferences(TestBackend backend) {
        Backend b = backend.get();
        try (Scope ignored = Scope.open()) {
            Random r = new Random(14);
            int n = 5;
            int k = 4;
            float scale = 1f / n;   // the batch mean of the per-sample losses
            for (boolean sparse : new boolean[] {false, true}) {
                float[] logits = ContractCases.normal(r, n * k, 2);
                float[] labels = ContractCases.labels(r, n, k, sparse);
                int labelCols = sparse ? 1 : k;
                Tensor probs = Tensor.empty(b, n, k);
                b.softmaxCrossEntropy(Tensor.of(b, logits, n, k), Tensor.of(b, labels, n, labelCols), probs,
                        Tensor.empty(b, n, 1));
                Tensor d = Tensor.empty(b, n, k);
                b.softmaxCrossEntropyBackward(probs, Tensor.of(b, labels, n, labelCols), scale, d);
                float[] analytic = d.toArray();
                for (int i = 0; i < logits.length; i++) {
                    check(backend + (sparse ? " sparse" : " dense") + " dlogits[" + i + "]", analytic[i],
                            central(logits, i, H, lv -> scale * sum(crossEntropyLoss(b, lv, labels, n, k, labelCols))));
                }
            }
        }
    }

    private static float[] crossEntropyLoss(Backend b, float[] logits, float[] labels, int n, int k, int labelCols) {
        Tensor loss = Tensor.empty(b, n, 1);
        b.softmaxCrossEntropy(Tensor.of(b, logits, n, k), Tensor.of(b, labels, n, labelCols), Tensor.empty(b, n, k), loss);
        return loss.toArray();
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s;
    }

    /** The softmax Jacobian composed above the SPI: dx = y * (dy - sum_j dy_j y_j), per row. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void softmaxJacobianMatchesCentralDifferences(TestBackend backend) {
        Backend b = backend.get();
        try (Scope ignored = Scope.open()) {
            Random r = new Random(15);
            int n = 4;
            int k = 5;
            float[] x = ContractCases.normal(r, n * k, 2);
            float[] proj = ContractCases.normal(r, n * k, 1);
            float[] y = softmax(b, x, n, k);
            for (int i = 0; i < x.length; i++) {
                int row = i / k;
                double inner = 0;
                for (int j = 0; j < k; j++) {
                    inner += (double) proj[row * k + j] * y[row * k + j];
                }
                double analytic = y[i] * (proj[i] - inner);
                check(backend + " softmax dx[" + i + "]", analytic, central(x, i, H, xv -> dot(proj, softmax(b, xv, n, k))));
            }
        }
    }

    private static float[] softmax(Backend b, float[] x, int n, int k) {
        Tensor y = Tensor.empty(b, n, k);
        b.softmax(Tensor.of(b, x, n, k), y);
        return y.toArray();
    }

    // ---------------------------------------------------------------- convolution and pooling

    /** Geometries for the checks: odd sizes, stride 2, valid and same, 1x1 to 5x5. */
    private static final ConvGeometry[] CONV_GEOMETRIES = {
            ConvGeometry.of(2, 5, 6, 3, 3, 1, 1, true),
            ConvGeometry.of(1, 7, 7, 5, 5, 2, 2, true),
            ConvGeometry.of(3, 4, 5, 1, 1, 1, 1, false),
            ConvGeometry.of(2, 7, 6, 3, 2, 2, 2, false)};

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void conv2dBackwardMatchesCentralDifferences(TestBackend backend) {
        Backend b = backend.get();
        try (Scope ignored = Scope.open()) {
            Random r = new Random(16);
            for (ConvGeometry g : CONV_GEOMETRIES) {
                int n = 2;
                int f = 3;
                float[] x = ContractCases.normal(r, n * g.inputSize(), 1);
                float[] w = ContractCases.normal(r, f * g.patchSize(), 0.5);
                float[] bias = ContractCases.normal(r, f, 0.5);
                float[] proj = ContractCases.normal(r, n * f * g.outputPlane(), 1);
                Tensor dx = Tensor.empty(b, n, g.inputSize());
                Tensor dw = Tensor.empty(b, f, g.patchSize());
                Tensor db = Tensor.empty(b, 1, f);
                b.conv2dBackward(g, Tensor.of(b, x, n, g.inputSize()), Tensor.of(b, w, f, g.patchSize()),
                        Tensor.of(b, proj, n, proj.length / n), dx, dw, db, false);
                float[] gx = dx.toArray();
                float[] gw = dw.toArray();
                float[] gb = db.toArray();
                String what = backend + " conv2d " + g.describe();
                for (int i = 0; i < x.length; i++) {
                    check(what + " dx[" + i + "]", gx[i], central(x, i, H, xv -> dot(proj, conv(b, g, xv, w, bias, n, f))));
                }
                for (int i = 0; i < w.length; i++) {
                    check(what + " dw[" + i + "]", gw[i], central(w, i, H, wv -> dot(proj, conv(b, g, x, wv, bias, n, f))));
                }
                for (int i = 0; i < f; i++) {
                    check(what + " dbias[" + i + "]", gb[i],
                            central(bias, i, H, bv -> dot(proj, conv(b, g, x, w, bv, n, f))));
                }
            }
        }
    }

    private static float[] conv(Backend b, ConvGeometry g, float[] x, float[] w, float[] bias, int n, int f) {
        Tensor y = Tensor.empty(b, n, f * g.outputPlane());
        b.conv2dForward(g, Tensor.of(b, x, n, g.inputSize()), Tensor.of(b, w, f, g.patchSize()),
                Tensor.of(b, bias, 1, f), y);
        return y.toArray();
    }

    /**
     * Pooling: max pooling on distinct values spaced more than 2h apart (so the difference never moves the
     * maximum), average pooling on any values; windows overlap (stride 1 of a 3x3 window), clip at "same"
     * padding, and tile exactly.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void poolingBackwardMatchesCentralDifferences(TestBackend backend) {
        Backend b = backend.get();
        try (Scope ignored = Scope.open()) {
            Random r = new Random(17);
            ConvGeometry[] pools = {ConvGeometry.of(2, 5, 5, 2, 2, 2, 2, true), ConvGeometry.of(1, 6, 5, 3, 3, 1, 1, false),
                    ConvGeometry.of(3, 4, 4, 2, 2, 2, 2, false), ConvGeometry.of(2, 7, 7, 3, 3, 2, 2, true)};
            for (ConvGeometry g : pools) {
                int n = 2;
                int size = n * g.inputSize();
                float[] x = new float[size];
                java.util.List<Integer> order = new java.util.ArrayList<>();
                for (int i = 0; i < size; i++) {
                    order.add(i);
                }
                java.util.Collections.shuffle(order, r);
                for (int i = 0; i < size; i++) {
                    x[i] = (float) (0.05 * order.get(i) - 1);   // distinct, 0.05 > 2h apart
                }
                int outCols = g.channels() * g.outputPlane();
                float[] proj = ContractCases.normal(r, n * outCols, 1);
                Tensor y = Tensor.empty(b, n, outCols);
                Tensor arg = Tensor.empty(b, n, outCols);
                b.maxPool2dForward(g, Tensor.of(b, x, n, g.inputSize()), y, arg);
                Tensor dxMax = Tensor.empty(b, n, g.inputSize());
                b.maxPool2dBackward(g, Tensor.of(b, proj, n, outCols), arg, dxMax);
                Tensor dxAvg = Tensor.empty(b, n, g.inputSize());
                b.avgPool2dBackward(g, Tensor.of(b, proj, n, outCols), dxAvg);
                float[] gm = dxMax.toArray();
                float[] ga = dxAvg.toArray();
                double hMax = 1e-2;
                for (int i = 0; i < size; i++) {
                    check(backend + " maxPool2d " + g.describe() + " dx[" + i + "]", gm[i],
                            central(x, i, hMax, xv -> dot(proj, pool(b, g, xv, n, true))));
                    check(backend + " avgPool2d " + g.describe() + " dx[" + i + "]", ga[i],
                            central(x, i, H, xv -> dot(proj, pool(b, g, xv, n, false))));
                }
            }
        }
    }

    private static float[] pool(Backend b, ConvGeometry g, float[] x, int n, boolean max) {
        Tensor y = Tensor.empty(b, n, g.channels() * g.outputPlane());
        if (max) {
            b.maxPool2dForward(g, Tensor.of(b, x, n, g.inputSize()), y, null);
        } else {
            b.avgPool2dForward(g, Tensor.of(b, x, n, g.inputSize()), y);
        }
        return y.toArray();
    }

    /** batchTranspose is linear: its backward is the transpose the other way. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void batchTransposeBackwardIsTheReverseTranspose(TestBackend backend) {
        Backend b = backend.get();
        try (Scope ignored = Scope.open()) {
            Random r = new Random(18);
            int count = 2;
            int rows = 3;
            int cols = 4;
            float[] x = ContractCases.normal(r, count * rows * cols, 1);
            float[] proj = ContractCases.normal(r, x.length, 1);
            Tensor back = Tensor.empty(b, count, rows * cols);
            b.batchTranspose(Tensor.of(b, proj, count * cols, rows), cols, rows, back);
            float[] g = back.toArray();
            for (int i = 0; i < x.length; i++) {
                check(backend + " batchTranspose dx[" + i + "]", g[i], central(x, i, H, xv -> {
                    Tensor out = Tensor.empty(b, count * cols, rows);
                    b.batchTranspose(Tensor.of(b, xv, count, rows * cols), rows, cols, out);
                    return dot(proj, out.toArray());
                }));
            }
        }
    }
}
