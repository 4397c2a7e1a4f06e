package io.myelin.backend.cuda;

import io.myelin.backend.Activation;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.OptimizerKind;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Each CUDA op against a plain Java reference written here (in double), on shapes that cross the kernels'
 * tile and warp boundaries. Complements the backend contract suite (CUDA against the CPU backend) with a
 * reference that does not share code with either backend. Skipped without a GPU.
 */
class CudaOpsTest {
    private static final int ROWS = 37;   // > 16 row lanes and > 8 rows per block, not a multiple of either
    private static final int COLS = 45;   // > 32 columns per tile and > one warp per row
    private static CudaBackend cuda;
    private final Random random = new Random(11);
    private Scope scope;

    @BeforeAll
    static void start() {
        cuda = CudaTestSupport.startIfAvailable();
    }

    @AfterAll
    static void stop() {
        if (cuda != null) {
            cuda.close();
        }
    }

    @BeforeEach
    void openScope() {
        CudaTestSupport.assumeStarted(cuda);
        scope = Scope.open();
    }

    @AfterEach
    void closeScope() {
        if (scope != null) {
            scope.close();
            assertEquals(0, cuda.liveBytes(), "a test leaked device memory");
        }
    }

    // ---------------------------------------------------------------- helpers

    private float[] randoms(int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * random.nextFloat();
        }
        return v;
    }

    private static Tensor t(float[] v, int rows, int cols) {
        return Tensor.of(cuda, v, rows, cols);
    }

    private static void close(String what, double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double err = Math.abs(e - actual[i]);
            boolean nanOk = Double.isNaN(e) && Float.isNaN(actual[i]);
            if (!nanOk && !(err <= tol * (1 + Math.abs(e)))) {
                fail(what + ": element " + i + " expected " + e + " but was " + actual[i]);
            }
        }
    }

    private static double erf(double x) {
        // Abramowitz & Stegun 7.1.26 is too coarse for float checks; integrate the series instead
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17) {
                break;
            }
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static DoubleUnaryOperator forward(Activation act, double p) {
        return switch (act) {
            case LINEAR -> x -> x;
            case STEP -> x -> x >= 0 ? 1 : 0;
            case SIGMOID -> CudaOpsTest::sigmoid;
            case TANH -> Math::tanh;
            case RELU -> x -> Math.max(0, x);
            case LEAKY_RELU -> x -> x > 0 ? x : p * x;
            case ELU -> x -> x > 0 ? x : p * (Math.exp(x) - 1);
            case SELU -> x -> Activation.SELU_SCALE * (x > 0 ? x : Activation.SELU_ALPHA * (Math.exp(x) - 1));
            case GELU -> x -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case GELU_TANH -> x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case SWISH -> x -> x * sigmoid(p * x);
        };
    }

    // ---------------------------------------------------------------- tests

    @Test
    void gemmAllTransposesWithBeta() {
        int m = 5;
        int k = 70;
        int n = 3;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = randoms(m * k, -1, 1);
                float[] b = randoms(k * n, -1, 1);
                float[] c = randoms(m * n, -1, 1);
                Tensor ct = t(c, m, n);
                cuda.gemm(ta, tb, 0.5f, ta ? t(a, k, m) : t(a, m, k), tb ? t(b, n, k) : t(b, k, n), 2f, ct);
                double[] expected = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double acc = 0;
                        for (int l = 0; l < k; l++) {
                            acc += (ta ? a[l * m + i] : a[i * k + l]) * (double) (tb ? b[j * k + l] : b[l * n + j]);
                        }
                        expected[i * n + j] = 0.5 * acc + 2 * c[i * n + j];
                    }
                }
                close("gemm ta=" + ta + " tb=" + tb, expected, ct.toArray(), 1e-5);
            }
        }
        Tensor sq = t(randoms(9, -1, 1), 3, 3);
        assertThrows(IllegalArgumentException.class, () -> cuda.gemm(false, false, 1f, sq, sq, 0f, sq));
        assertThrows(IllegalArgumentException.class,
                () -> cuda.gemm(false, false, 1f, t(new float[6], 2, 3), t(new float[8], 4, 2), 0f, t(new float[4], 2, 2)));
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unary(UnaryOp op) {
        float[] x = randoms(ROWS * COLS, op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RECIPROCAL ? 0.1f : -3f, 3f);
        float a = -0.5f;
        float b = 1.25f;
        Tensor out = Tensor.empty(cuda, ROWS, COLS);
        cuda.unary(op, a, b, t(x, ROWS, COLS), out);
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            expected[i] = switch (op) {
                case AFFINE -> a * v + b;
                case ABS -> Math.abs(v);
                case SIGN -> Math.signum(v);
                case EXP -> Math.exp(v);
                case LOG -> Math.log(v);
                case SQRT -> Math.sqrt(v);
                case SQUARE -> v * v;
                case RECIPROCAL -> 1 / v;
                case CLAMP -> Math.min(Math.max(v, a), b);
                case GREATER_THAN -> v > a ? 1 : 0;
            };
        }
        close("unary " + op, expected, out.toArray(), 1e-6);
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryWithEveryBroadcast(BinaryOp op) {
        float[] x = randoms(ROWS * COLS, -2, 2);
        Tensor xt = t(x, ROWS, COLS);
        int[][] shapes = {{ROWS, COLS}, {1, COLS}, {ROWS, 1}};
        for (int[] s : shapes) {
            float[] y = randoms(s[0] * s[1], 0.5f, 2f);
            Tensor out = Tensor.empty(cuda, ROWS, COLS);
            cuda.binary(op, xt, t(y, s[0], s[1]), out);
            double[] expected = new double[x.length];
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLS; c++) {
                    double u = x[r * COLS + c];
                    double v = y[s[0] == 1 ? c : (s[1] == 1 ? r : r * COLS + c)];
                    expected[r * COLS + c] = switch (op) {
                        case ADD -> u + v;
                        case SUB -> u - v;
                        case MUL -> u * v;
                        case DIV -> u / v;
                        case MAX -> Math.max(u, v);
                        case MIN -> Math.min(u, v);
                        case GREATER -> u > v ? 1 : 0;
                    };
                }
            }
            close("binary " + op + " y (" + s[0] + ", " + s[1] + ")", expected, out.toArray(), 1e-6);
        }
        cuda.binary(op, xt, t(randoms(COLS, 0.5f, 2f), 1, COLS), xt);  // out may alias x
        assertThrows(IllegalArgumentException.class, () -> cuda.binary(op, xt, t(new float[2], 1, 2), xt));
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reduceBothAxes(ReduceOp op) {
        int rows = 70;
        float[] x = randoms(rows * COLS, -5, 5);
        x[3 * COLS + 7] = x[9 * COLS + 7] = 9f;  // tie in column 7: ARGMAX takes the first row
        Tensor xt = t(x, rows, COLS);
        Tensor colOut = Tensor.empty(cuda, 1, COLS);
        Tensor rowOut = Tensor.empty(cuda, rows, 1);
        cuda.reduce(op, 0, xt, colOut);
        cuda.reduce(op, 1, xt, rowOut);
        double[] byCol = new double[COLS];
        double[] byRow = new double[rows];
        for (int c = 0; c < COLS; c++) {
            double sum = 0;
            int best = 0;
            for (int r = 0; r < rows; r++) {
                sum += x[r * COLS + c];
                best = x[r * COLS + c] > x[best * COLS + c] ? r : best;
            }
            byCol[c] = op == ReduceOp.SUM ? sum : op == ReduceOp.MAX ? x[best * COLS + c] : best;
        }
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            int best = 0;
            for (int c = 0; c < COLS; c++) {
                sum += x[r * COLS + c];
                best = x[r * COLS + c] > x[r * COLS + best] ? c : best;
            }
            byRow[r] = op == ReduceOp.SUM ? sum : op == ReduceOp.MAX ? x[r * COLS + best] : best;
        }
        close("reduce " + op + " axis 0", byCol, colOut.toArray(), 1e-5);
        close("reduce " + op + " axis 1", byRow, rowOut.toArray(), 1e-5);
        if (op == ReduceOp.ARGMAX) {
            assertEquals(3f, colOut.toArray()[7]);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activationForwardAndBackward(Activation act) {
        float p = act == Activation.SWISH ? 1.5f : act.defaultParam();
        float[] x = randoms(ROWS * COLS, -4, 4);
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) < 0.05f) {
                x[i] = 0.5f;  // keep finite differences away from the kinks at 0
            }
        }
        float[] dy = randoms(x.length, -1, 1);
        Tensor xt = t(x, ROWS, COLS);
        Tensor y = Tensor.empty(cuda, ROWS, COLS);
        Tensor dx = Tensor.empty(cuda, ROWS, COLS);
        cuda.activationForward(act, p, xt, y);
        cuda.activationBackward(act, p, xt, y, t(dy, ROWS, COLS), dx);
        DoubleUnaryOperator f = forward(act, p);
        double[] ey = new double[x.length];
        double[] edx = new double[x.length];
        double h = 1e-4;
        for (int i = 0; i < x.length; i++) {
            ey[i] = f.applyAsDouble(x[i]);
            edx[i] = act == Activation.STEP ? 0 : dy[i] * (f.applyAsDouble(x[i] + h) - f.applyAsDouble(x[i] - h)) / (2 * h);
        }
        close(act + " forward", ey, y.toArray(), 2e-6);
        close(act + " backward", edx, dx.toArray(), 1e-4);
    }

    @Test
    void preluForwardAndAccumulatedBackward() {
        float[] x = randoms(ROWS * COLS, -2, 2);
        float[] alpha = randoms(COLS, 0, 0.5f);
        float[] dy = randoms(x.length, -1, 1);
        float[] prior = randoms(COLS, -1, 1);
        Tensor xt = t(x, ROWS, COLS);
        Tensor at = t(alpha, 1, COLS);
        Tensor y = Tensor.empty(cuda, ROWS, COLS);
        Tensor dx = Tensor.empty(cuda, ROWS, COLS);
        Tensor dalpha = t(prior, 1, COLS);
        cuda.preluForward(xt, at, y);
        cuda.preluBackward(xt, at, t(dy, ROWS, COLS), dx, dalpha, true);
        double[] ey = new double[x.length];
        double[] edx = new double[x.length];
        double[] eda = new double[COLS];
        for (int i = 0; i < x.length; i++) {
            int c = i % COLS;
            ey[i] = x[i] > 0 ? x[i] : alpha[c] * x[i];
            edx[i] = dy[i] * (x[i] > 0 ? 1 : alpha[c]);
            eda[c] += x[i] <= 0 ? dy[i] * x[i] : 0;
        }
        for (int c = 0; c < COLS; c++) {
            eda[c] += prior[c];
        }
        close("prelu forward", ey, y.toArray(), 1e-6);
        close("prelu dx", edx, dx.toArray(), 1e-6);
        close("prelu dalpha", eda, dalpha.toArray(), 1e-5);
    }

    @Test
    void softmaxAndFusedCrossEntropyOneHotAndSparse() {
        int n = ROWS;
        int k = 70;  // more classes than a warp
        float[] logits = randoms(n * k, -10, 10);
        logits[5] = 80f;  // large logit: must not overflow
        float[] sparse = new float[n];
        float[] oneHot = new float[n * k];
        for (int r = 0; r < n; r++) {
            sparse[r] = random.nextInt(k);
            oneHot[r * k + (int) sparse[r]] = 1f;
        }
        double[] p = new double[n * k];
        double[] loss = new double[n];
        for (int r = 0; r < n; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                m = Math.max(m, logits[r * k + j]);
            }
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += Math.exp(logits[r * k + j] - m);
            }
            for (int j = 0; j < k; j++) {
                p[r * k + j] = Math.exp(logits[r * k + j] - m) / s;
            }
            loss[r] = m + Math.log(s) - logits[r * k + (int) sparse[r]];
        }
        Tensor lt = t(logits, n, k);
        Tensor y = Tensor.empty(cuda, n, k);
        cuda.softmax(lt, y);
        close("softmax", p, y.toArray(), 1e-5);
        for (Tensor labels : new Tensor[] {t(oneHot, n, k), t(sparse, n, 1)}) {
            String what = labels.cols() == 1 ? "sparse" : "one-hot";
            Tensor probs = Tensor.empty(cuda, n, k);
            Tensor lossT = Tensor.empty(cuda, n, 1);
            cuda.softmaxCrossEntropy(lt, labels, probs, lossT);
            close(what + " probs", p, probs.toArray(), 1e-5);
            close(what + " loss", loss, lossT.toArray(), 1e-5);
            Tensor dlogits = Tensor.empty(cuda, n, k);
            cuda.softmaxCrossEntropyBackward(probs, labels, 0.25f, dlogits);
            double[] ed = new double[n * k];
            for (int i = 0; i < ed.length; i++) {
                ed[i] = 0.25 * (p[i] - oneHot[i]);
            }
            close(what + " dlogits", ed, dlogits.toArray(), 1e-5);
            assertThrows(IllegalArgumentException.class, () -> cuda.softmaxCrossEntropy(lt, labels, lt, lossT));
        }
    }

    @Test
    void batchNormTrainInferAndBackward() {
        int n = ROWS;
        int c = COLS;
        float[] x = randoms(n * c, -3, 5);
        float[] gamma = randoms(c, 0.5f, 1.5f);
        float[] beta = randoms(c, -1, 1);
        float[] rm0 = randoms(c, -1, 1);
        float[] rv0 = randoms(c, 0.5f, 2);
        float[] dy = randoms(n * c, -1, 1);
        float eps = 1e-3f;
        float momentum = 0.9f;
        Tensor xt = t(x, n, c);
        Tensor gt = t(gamma, 1, c);
        Tensor rm = t(rm0, 1, c);
        Tensor rv = t(rv0, 1, c);
        Tensor y = Tensor.empty(cuda, n, c);
        Tensor mean = Tensor.empty(cuda, 1, c);
        Tensor invStd = Tensor.empty(cuda, 1, c);
        cuda.batchNormTrain(xt, gt, t(beta, 1, c), eps, momentum, true, rm, rv, y, mean, invStd);
        double[] em = new double[c];
        double[] ei = new double[c];
        double[] erm = new double[c];
        double[] erv = new double[c];
        double[] ey = new double[n * c];
        double[] edx = new double[n * c];
        double[] edg = new double[c];
        double[] edb = new double[c];
        for (int j = 0; j < c; j++) {
            double s = 0;
            for (int r = 0; r < n; r++) {
                s += x[r * c + j];
            }
            double mu = s / n;
            double v = 0;
            for (int r = 0; r < n; r++) {
                v += (x[r * c + j] - mu) * (x[r * c + j] - mu);
            }
            v /= n;
            double inv = 1 / Math.sqrt(v + eps);
            em[j] = mu;
            ei[j] = inv;
            erm[j] = momentum * rm0[j] + (1 - momentum) * mu;
            erv[j] = momentum * rv0[j] + (1 - momentum) * v * n / (n - 1);
            double sdy = 0;
            double sdyx = 0;
            for (int r = 0; r < n; r++) {
                double xhat = (x[r * c + j] - mu) * inv;
                ey[r * c + j] = gamma[j] * xhat + beta[j];
                sdy += dy[r * c + j];
                sdyx += dy[r * c + j] * xhat;
            }
            edg[j] = sdyx;
            edb[j] = sdy;
            for (int r = 0; r < n; r++) {
                double xhat = (x[r * c + j] - mu) * inv;
                edx[r * c + j] = gamma[j] * inv / n * (n * dy[r * c + j] - sdy - xhat * sdyx);
            }
        }
        close("bn y", ey, y.toArray(), 1e-5);
        close("bn mean", em, mean.toArray(), 1e-5);
        close("bn invStd", ei, invStd.toArray(), 1e-5);
        close("bn runningMean", erm, rm.toArray(), 1e-5);
        close("bn runningVar", erv, rv.toArray(), 1e-5);

        Tensor dx = Tensor.empty(cuda, n, c);
        Tensor dgamma = Tensor.empty(cuda, 1, c);
        Tensor dbeta = Tensor.empty(cuda, 1, c);
        cuda.batchNormBackward(xt, gt, mean, invStd, t(dy, n, c), dx, dgamma, dbeta, false);
        close("bn dx", edx, dx.toArray(), 1e-4);
        close("bn dgamma", edg, dgamma.toArray(), 1e-4);
        close("bn dbeta", edb, dbeta.toArray(), 1e-4);

        Tensor yi = Tensor.empty(cuda, n, c);
        cuda.batchNormInfer(xt, gt, t(beta, 1, c), rm, rv, eps, yi);
        double[] eyi = new double[n * c];
        for (int i = 0; i < eyi.length; i++) {
            int j = i % c;
            eyi[i] = gamma[j] * (x[i] - erm[j]) / Math.sqrt(erv[j] + eps) + beta[j];
        }
        close("bn infer", eyi, yi.toArray(), 1e-5);
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void optimizerStepMatchesTheFormulas(OptimizerKind kind) {
        int n = 1000;
        float[] w = randoms(n, -1, 1);
        float[] g = randoms(n, -1, 1);
        float[] s1 = randoms(n, 0, 0.5f);
        float[] s2 = randoms(n, 0, 0.5f);
        w[0] = 0f;  // sign(0) = 0 for L1
        OptimizerUpdate u = OptimizerUpdate.builder(kind).lr(0.01f).momentum(0.9f).beta1(0.9f).beta2(0.999f).rho(0.9f)
                .eps(1e-7f).regularization(1e-3f, 2e-3f).weightDecay(0.05f).gradScale(0.5f)
                .ewa(kind == OptimizerKind.MOMENTUM).biasCorrection(true).step(3).build();
        Tensor wt = t(w, 1, n);
        Tensor s1t = t(s1, 1, n);
        Tensor s2t = t(s2, 1, n);
        cuda.optimizerUpdate(u, wt, t(g, 1, n), u.stateCount() >= 1 ? s1t : null, u.stateCount() >= 2 ? s2t : null);
        double[] ew = new double[n];
        double[] es1 = new double[n];
        double[] es2 = new double[n];
        double lr = u.lr();
        double mu = u.momentum();
        double t = u.step();
        for (int i = 0; i < n; i++) {
            double gp = u.gradScale() * g[i] + u.l1() * Math.signum(w[i]) + 2 * u.l2() * w[i];
            double decay = lr * u.weightDecay() * w[i];
            es1[i] = s1[i];
            es2[i] = s2[i];
            double step = switch (kind) {
                case SGD -> lr * gp;
                case MOMENTUM -> {
                    es1[i] = mu * s1[i] + (1 - mu) * gp;  // ewa with bias correction
                    yield lr * es1[i] / (1 - Math.pow(mu, t));
                }
                case NESTEROV -> {
                    es1[i] = mu * s1[i] + gp;
                    yield lr * (gp + mu * es1[i]);
                }
                case RMSPROP -> {
                    es1[i] = u.rho() * s1[i] + (1 - u.rho()) * gp * gp;
                    yield lr * gp / (Math.sqrt(es1[i]) + u.eps());
                }
                case ADAM -> {
                    es1[i] = u.beta1() * s1[i] + (1 - u.beta1()) * gp;
                    es2[i] = u.beta2() * s2[i] + (1 - u.beta2()) * gp * gp;
                    yield lr * (es1[i] / (1 - Math.pow(u.beta1(), t)))
                            / (Math.sqrt(es2[i] / (1 - Math.pow(u.beta2(), t))) + u.eps());
                }
                case ADAMAX -> {
                    es1[i] = u.beta1() * s1[i] + (1 - u.beta1()) * gp;
                    es2[i] = Math.max(u.beta2() * s2[i], Math.abs(gp));
                    yield lr / (1 - Math.pow(u.beta1(), t)) * es1[i] / (es2[i] + u.eps());
                }
            };
            ew[i] = w[i] - decay - step;
        }
        close(kind + " w", ew, wt.toArray(), 1e-5);
        if (u.stateCount() >= 1) {
            close(kind + " s1", es1, s1t.toArray(), 1e-5);
        }
        if (u.stateCount() >= 2) {
            close(kind + " s2", es2, s2t.toArray(), 1e-5);
        }
    }

    @Test
    void gatherFillAndCopy() {
        float[] src = randoms(ROWS * COLS, -1, 1);
        float[] idx = {36, 0, 5, 5, 17};
        Tensor out = Tensor.empty(cuda, idx.length, COLS);
        cuda.gatherRows(t(src, ROWS, COLS), t(idx, idx.length, 1), out);
        double[] expected = new double[idx.length * COLS];
        for (int r = 0; r < idx.length; r++) {
            for (int c = 0; c < COLS; c++) {
                expected[r * COLS + c] = src[(int) idx[r] * COLS + c];
            }
        }
        close("gatherRows", expected, out.toArray(), 0);

        Tensor filled = Tensor.full(cuda, -2.5f, 3, 7);
        double[] minus = new double[21];
        Arrays.fill(minus, -2.5);
        close("fill", minus, filled.toArray(), 0);
        Tensor copy = Tensor.empty(cuda, 7, 3);
        Tensor dst = Tensor.empty(cuda, 1, idx.length * COLS);
        cuda.copy(out, dst);
        close("copy", expected, dst.toArray(), 0);
        assertThrows(IllegalArgumentException.class, () -> cuda.copy(out, copy));
    }
}
