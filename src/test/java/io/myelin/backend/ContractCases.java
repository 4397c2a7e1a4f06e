package io.myelin.backend;

import io.myelin.random.Philox;
import io.myelin.tensor.Tensor;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static io.myelin.backend.SpiCatalog.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The op cases of {@link BackendContractTest}: every SPI op on seeded random inputs of odd shapes,
 * compared with the double-precision {@link Reference}. Each case runs inside a scope on one backend.
 *
 * <p>Tolerances ({@code |got - ref| <= atol + rtol*|ref|} unless a bound is given):
 * <ul>
 *   <li>EXACT (0): copies, fill, gather, comparisons, abs/sign/clamp, max/min, argmax, dropout masks.</li>
 *   <li>ARITH (atol 1e-6, rtol 1e-6): one or two float roundings, FMA contraction allowed
 *       (affine, +, -, *, /, square, reciprocal, sqrt, PReLU, cross-entropy gradient).</li>
 *   <li>TRANSC (atol 1e-6, rtol 1e-5): exp, log, tanh, erf, softmax, activations and their
 *       derivatives (a few ulp of float libm / CUDA libdevice, plus the forward output rounding that the
 *       derivatives reuse).</li>
 *   <li>Sums and dot products (GEMM, reduce SUM, dalpha, dgamma, dbeta): the rigorous worst-case bound
 *       for float summation in any order, {@code (n+2) * 2^-24 * sum|terms|}; it admits any blocking
 *       or tree order but not reduced-precision (TF32/BF16) arithmetic.</li>
 *   <li>Batch norm (atol 1e-5 to 2e-5, rtol 1e-5 to 1e-4): a dozen float operations with the
 *       1/std amplification; optimizer updates (atol 1e-6, rtol 1e-5) after three compounding steps.</li>
 * </ul>
 */
final class ContractCases {
    /** (rows, cols): scalars, vectors both ways, odd sizes, and one above the CPU's parallel grain (33153). */
    static final int[][] SHAPES = {{1, 1}, {1, 7}, {7, 1}, {7, 129}, {129, 7}, {257, 129}};
    static final int[] GEMM_DIMS = {1, 7, 129};
    static final double U = 0x1p-24;

    record Tol(double atol, double rtol) {
        static final Tol EXACT = new Tol(0, 0);
        static final Tol ARITH = new Tol(1e-6, 1e-6);
        static final Tol TRANSC = new Tol(1e-6, 1e-5);
    }

    /** One named check of the suite. */
    record OpCase(String id, Consumer<Backend> body) {
    }

    private ContractCases() {
    }

    /** Every case, in SPI order; the ids must equal {@link SpiCatalog#requiredCases()}. */
    static List<OpCase> all(BackendProvider provider) {
        List<OpCase> c = new ArrayList<>();
        c.add(new OpCase("name", b -> assertEquals(provider.name(), b.name(), "name() must match the provider")));
        c.add(new OpCase("description", b -> assertFalse(b.description().isBlank(), "description() is blank")));
        c.add(new OpCase("capabilities", b -> capabilities(b, provider)));
        c.add(new OpCase("allocate", ContractCases::allocate));
        c.add(new OpCase("release", ContractCases::release));
        c.add(new OpCase("liveBytes", ContractCases::liveBytes));
        c.add(new OpCase("upload", ContractCases::upload));
        c.add(new OpCase("download", ContractCases::download));
        c.add(new OpCase("synchronize", ContractCases::synchronize));
        c.add(new OpCase("gemm", ContractCases::gemm));
        for (UnaryOp op : UnaryOp.values()) {
            c.add(new OpCase(id("unary", op), b -> unary(b, op)));
        }
        for (BinaryOp op : BinaryOp.values()) {
            for (String form : SpiCatalog.PROSE_VARIANTS.get("binary")) {
                c.add(new OpCase(id("binary", op, form), b -> binary(b, op, form)));
            }
        }
        for (ReduceOp op : ReduceOp.values()) {
            for (int axis = 0; axis < 2; axis++) {
                int ax = axis;
                c.add(new OpCase(id("reduce", op, "axis" + axis), b -> reduce(b, op, ax)));
            }
        }
        for (Activation act : Activation.values()) {
            c.add(new OpCase(id("activationForward", act), b -> activationForward(b, act)));
            c.add(new OpCase(id("activationBackward", act), b -> activationBackward(b, act)));
        }
        c.add(new OpCase("preluForward", ContractCases::preluForward));
        c.add(new OpCase("preluBackward", ContractCases::preluBackward));
        c.add(new OpCase("softmax", ContractCases::softmax));
        for (boolean sparse : new boolean[] {false, true}) {
            String form = sparse ? "sparse" : "dense";
            c.add(new OpCase(id("softmaxCrossEntropy", form), b -> crossEntropy(b, sparse)));
            c.add(new OpCase(id("softmaxCrossEntropyBackward", form), b -> crossEntropyBackward(b, sparse)));
        }
        c.add(new OpCase("dropoutMask", ContractCases::dropoutMask));
        c.add(new OpCase("batchNormTrain", ContractCases::batchNormTrain));
        c.add(new OpCase("batchNormInfer", ContractCases::batchNormInfer));
        c.add(new OpCase("batchNormBackward", ContractCases::batchNormBackward));
        for (OptimizerKind kind : OptimizerKind.values()) {
            c.add(new OpCase(id("optimizerUpdate", kind), b -> OptimizerCases.kind(b, kind)));
        }
        c.add(new OpCase(id("optimizerUpdate", "flag:ewa"), b -> OptimizerCases.momentumEwa(b, false)));
        c.add(new OpCase(id("optimizerUpdate", "flag:biasCorrection"), b -> OptimizerCases.momentumEwa(b, true)));
        c.add(new OpCase("gatherRows", ContractCases::gatherRows));
        c.add(new OpCase("fill", ContractCases::fill));
        c.add(new OpCase("copy", ContractCases::copy));
        c.addAll(ConvContractCases.all());
        c.add(new OpCase("close", b -> close(provider)));
        return c;
    }

    // ---------------------------------------------------------------- helpers

    static Random rng(String caseId) {
        return new Random(0x5eed_0000L ^ caseId.hashCode());
    }

    static float[] normal(Random r, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * sd);
        }
        return v;
    }

    static float[] uniform(Random r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    static Tensor t(Backend b, float[] v, int rows, int cols) {
        return Tensor.of(b, v, rows, cols);
    }

    static String shape(int rows, int cols) {
        return "(" + rows + ", " + cols + ")";
    }

    /** The call must throw an IllegalArgumentException with exactly {@code message} (the words of {@link Checks}). */
    static void rejects(String what, String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call,
                what + " must throw IllegalArgumentException");
        assertEquals(message, e.getMessage(), what);
    }

    /** Per-element bound for sums of n terms whose absolute values add up to {@code absSum[i]}. */
    static double[] sumBound(double[] absSum, int n, double atol) {
        double[] bound = new double[absSum.length];
        for (int i = 0; i < bound.length; i++) {
            bound[i] = (n + 2) * U * absSum[i] + atol;
        }
        return bound;
    }

    // ---------------------------------------------------------------- memory

    /** A device backend's reads wait for it; an emulated one says so in its description and is never auto. */
    private static void capabilities(Backend b, BackendProvider provider) {
        Capabilities caps = b.capabilities();
        assertEquals(!b.name().equals("cpu"), caps.readWaitsForDevice(), "readWaitsForDevice of " + b.name());
        if (caps.emulated()) {
            assertTrue(b.description().contains("emulated"), b.description());
            assertFalse(provider.availability().automatic(), "auto must not pick an emulated backend");
            assertEquals(b.name() + " (emulated)", caps.label(b.name()));
        } else {
            assertEquals(b.name(), caps.label(b.name()));
        }
    }

    private static void allocate(Backend b) {
        long base = b.liveBytes();
        Storage s = b.allocate(129);
        try {
            assertEquals(129, s.length(), "allocate(129).length()");
            assertTrue(b.liveBytes() >= base + 129 * 4, "liveBytes must count a live 129-float buffer");
        } finally {
            b.release(s);
        }
        assertEquals(base, b.liveBytes(), "liveBytes after release");
    }

    private static void release(Backend b) {
        long base = b.liveBytes();
        List<Storage> held = new ArrayList<>();
        for (int[] s : SHAPES) {
            held.add(b.allocate((long) s[0] * s[1]));
        }
        for (Storage s : held) {
            b.release(s);
        }
        assertEquals(base, b.liveBytes(), "liveBytes after releasing every buffer");
        Storage again = b.allocate(7);   // a released buffer may be reused; the allocator must stay sound
        assertEquals(7, again.length());
        b.release(again);
        assertEquals(base, b.liveBytes());
    }

    private static void liveBytes(Backend b) {
        long base = b.liveBytes();
        Tensor x = Tensor.empty(b, 257, 129);
        assertTrue(b.liveBytes() >= base + 257 * 129 * 4, "a live (257, 129) tensor holds at least 132612 bytes");
        x.close();
        assertEquals(base, b.liveBytes(), "liveBytes returns to the baseline after close()");
    }

    private static float[] specialValues(Random r, int n) {
        float[] v = normal(r, n, 10);
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                           Float.NEGATIVE_INFINITY, Float.NaN, 1e-40f};
        for (int i = 0; i < Math.min(n, special.length); i++) {
            v[(i * 37) % n] = special[i];
        }
        return v;
    }

    private static void upload(Backend b) {
        Random r = rng("upload");
        for (int[] s : SHAPES) {
            float[] v = specialValues(r, s[0] * s[1]);
            Tensor x = Tensor.empty(b, s[0], s[1]);
            b.upload(v, x);
            float[] back = new float[v.length];
            b.download(x, back);
            Approx.assertExact("upload " + shape(s[0], s[1]), v, back);
        }
        rejects("upload of 6 values into (1, 7)",
                "upload: src float[6] and dst (1, 7) must have the same number of elements",
                () -> b.upload(new float[6], Tensor.empty(b, 1, 7)));
    }

    private static void download(Backend b) {
        Random r = rng("download");
        for (int[] s : SHAPES) {
            float[] v = specialValues(r, s[0] * s[1]);
            Tensor x = t(b, v, s[0], s[1]);
            Approx.assertExact("download " + shape(s[0], s[1]), v, x.toArray());
        }
        rejects("download of (1, 7) into 8 values",
                "download: src (1, 7) and dst float[8] must have the same number of elements",
                () -> b.download(Tensor.zeros(b, 1, 7), new float[8]));
    }

    private static void synchronize(Backend b) {
        Tensor x = Tensor.empty(b, 257, 129);
        b.fill(x, 2.5f);
        b.synchronize();
        float[] expected = new float[257 * 129];
        Arrays.fill(expected, 2.5f);
        Approx.assertExact("fill then synchronize", expected, x.toArray());
    }

    private static void close(BackendProvider provider) {
        Backend fresh = provider.create();
        long base = fresh.liveBytes();
        try (Tensor x = Tensor.zeros(fresh, 7, 129)) {
            assertEquals(0f, x.toArray()[128]);
        }
        assertEquals(base, fresh.liveBytes(), "a fresh backend's liveBytes after its tensor closed");
        fresh.close();
    }

    // ---------------------------------------------------------------- dense algebra

    private static void gemm(Backend b) {
        Random r = rng("gemm");
        int combo = 0;
        for (int m : GEMM_DIMS) {
            for (int n : GEMM_DIMS) {
                for (int k : GEMM_DIMS) {
                    for (int tr = 0; tr < 4; tr++) {
                        boolean ta = (tr & 1) != 0;
                        boolean tb = (tr & 2) != 0;
                        // Every other case uses beta = 0 over NaN garbage: c must then not be read (BLAS rule).
                        boolean betaZero = combo++ % 2 == 0;
                        float alpha = 1.5f;
                        float beta = betaZero ? 0f : -0.75f;
                        float[] a = normal(r, m * k, 1);
                        float[] bb = normal(r, k * n, 1);
                        float[] c0 = betaZero ? new float[m * n] : normal(r, m * n, 1);
                        float[] cInit = c0.clone();
                        if (betaZero) {
                            Arrays.fill(cInit, Float.NaN);
                        }
                        Tensor ta2 = ta ? t(b, a, k, m) : t(b, a, m, k);
                        Tensor tb2 = tb ? t(b, bb, n, k) : t(b, bb, k, n);
                        Tensor c = t(b, cInit, m, n);
                        b.gemm(ta, tb, alpha, ta2, tb2, beta, c);
                        double[] expected = Reference.gemm(ta, tb, m, n, k, alpha, a, bb, beta, c0, false);
                        double[] abs = Reference.gemm(ta, tb, m, n, k, alpha, a, bb, beta, c0, true);
                        Approx.assertWithin("gemm m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb
                                + " beta=" + beta, expected, c.toArray(), sumBound(abs, k, 1e-30));
                    }
                }
            }
        }
        Tensor sq = t(b, normal(r, 49, 1), 7, 7);
        Tensor other = t(b, normal(r, 49, 1), 7, 7);
        rejects("gemm with c aliasing a", "gemm: a (7, 7) and c (7, 7) must not share a buffer",
                () -> b.gemm(false, false, 1f, sq, other, 0f, sq));
        rejects("gemm with c aliasing b", "gemm: b (7, 7) and c (7, 7) must not share a buffer",
                () -> b.gemm(false, false, 1f, other, sq, 0f, sq));
        rejects("gemm (7, 129) x (7, 129)", "gemm: op(a) (7, 129) from a (7, 129) and op(b) (7, 129) from b"
                + " (7, 129) must have the same inner dimension",
                () -> b.gemm(false, false, 1f, Tensor.zeros(b, 7, 129), Tensor.zeros(b, 7, 129), 0f,
                        Tensor.zeros(b, 7, 129)));
        rejects("gemm into a wrong-shaped c", "gemm: c (7, 8) must be (7, 7)",
                () -> b.gemm(false, true, 1f, Tensor.zeros(b, 7, 129), Tensor.zeros(b, 7, 129), 0f,
                        Tensor.zeros(b, 7, 8)));
    }

    // ---------------------------------------------------------------- elementwise

    private static Tol tolerance(UnaryOp op) {
        return switch (op) {
            case ABS, SIGN, CLAMP, GREATER_THAN -> Tol.EXACT;
            case AFFINE, SQRT, SQUARE, RECIPROCAL -> Tol.ARITH;
            case EXP, LOG -> Tol.TRANSC;
        };
    }

    private static float[] unaryInput(UnaryOp op, Random r, int n, float a) {
        float[] x = switch (op) {
            case LOG, SQRT -> uniform(r, n, 0.05, 4);
            case EXP -> uniform(r, n, -10, 10);
            case RECIPROCAL -> {
                float[] v = uniform(r, n, 0.25, 4);
                for (int i = 0; i < n; i += 2) {
                    v[i] = -v[i];
                }
                yield v;
            }
            case AFFINE, ABS, SIGN, SQUARE, CLAMP, GREATER_THAN -> normal(r, n, 2);
        };
        if (op != UnaryOp.LOG && op != UnaryOp.SQRT && op != UnaryOp.RECIPROCAL) {
            for (int i = 0; i < n; i += 13) {
                x[i] = 0f;
            }
            for (int i = 3; i < n; i += 7) {
                x[i] = a;   // ties for GREATER_THAN and CLAMP's bound
            }
        }
        return x;
    }

    /**
     * NaN, signed zeros, infinities, subnormals, the float extremes, overflow and underflow points of exp, and
     * the op's own scalars: every backend must agree on these (NaN-ness, infinities and the sign of zero exactly).
     */
    static float[] specialInputs(float a, float b) {
        return new float[] {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f, -1e-40f,
            Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f, -1e30f, 88f, -88f, 100f, -100f, 1f, -1f, 0.5f,
            a, b, -a, -b};
    }

    private static void unary(Backend b, UnaryOp op) {
        String id = id("unary", op);
        Random r = rng(id);
        float a = switch (op) {
            case AFFINE -> 1.7f;
            case CLAMP -> -0.5f;
            case GREATER_THAN -> 0.25f;
            default -> 3f;   // ignored by the op; a wrong use shows up as a mismatch
        };
        float bb = switch (op) {
            case AFFINE -> -0.3f;
            case CLAMP -> 0.8f;
            default -> -7f;
        };
        Tol tol = tolerance(op);
        for (int[] s : SHAPES) {
            int n = s[0] * s[1];
            float[] x = unaryInput(op, r, n, a);
            Tensor out = Tensor.empty(b, s[0], s[1]);
            b.unary(op, a, bb, t(b, x, s[0], s[1]), out);
            double[] expected = new double[n];
            for (int i = 0; i < n; i++) {
                expected[i] = Reference.unary(op, a, bb, x[i]);
            }
            Approx.assertClose(id + " " + shape(s[0], s[1]), expected, out.toArray(), tol.atol(), tol.rtol());
            if (s[0] == 7 && s[1] == 129) {
                Tensor inPlace = t(b, x, s[0], s[1]);
                b.unary(op, a, bb, inPlace, inPlace);
                Approx.assertClose(id + " in place", expected, inPlace.toArray(), tol.atol(), tol.rtol());
            }
        }
        float[] e = specialInputs(a, bb);
        float[] want = new float[e.length];
        for (int i = 0; i < e.length; i++) {
            want[i] = (float) Reference.unary(op, a, bb, e[i]);
        }
        Tensor special = Tensor.empty(b, 1, e.length);
        b.unary(op, a, bb, t(b, e, 1, e.length), special);
        Approx.assertSpecials(id + " special values", e, want, special.toArray(), tol.atol(), tol.rtol());
        if (op == UnaryOp.CLAMP) {   // bounds the wrong way round: min(max(x, a), b) is b for every non-NaN x
            for (int i = 0; i < e.length; i++) {
                want[i] = (float) Reference.unary(op, bb, a, e[i]);
            }
            b.unary(op, bb, a, t(b, e, 1, e.length), special);
            Approx.assertSpecials(id + " with a > b", e, want, special.toArray(), 0, 0);
        }
        rejects(id + " with out of another size",
                "unary " + op + ": x (7, 129) and out (7, 128) must have the same number of elements",
                () -> b.unary(op, a, bb, Tensor.zeros(b, 7, 129), Tensor.zeros(b, 7, 128)));
    }

    private static void binary(Backend b, BinaryOp op, String form) {
        String id = id("binary", op, form);
        Random r = rng(id);
        Tol tol = switch (op) {
            case MAX, MIN, GREATER -> Tol.EXACT;
            case ADD, SUB, MUL, DIV -> Tol.ARITH;
        };
        for (int[] s : SHAPES) {
            int rows = s[0];
            int cols = s[1];
            int yr = form.equals("col") ? rows : 1;
            int yc = form.equals("row") ? cols : 1;
            if (form.equals("full")) {
                yr = rows;
                yc = cols;
            }
            float[] x = normal(r, rows * cols, 2);
            float[] y = op == BinaryOp.DIV ? uniform(r, yr * yc, 0.5, 2) : normal(r, yr * yc, 2);
            if (op == BinaryOp.DIV) {
                for (int i = 0; i < y.length; i += 2) {
                    y[i] = -y[i];
                }
            }
            double[] expected = new double[rows * cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    int yi = (yr == 1 ? 0 : i) * yc + (yc == 1 ? 0 : j);
                    if ((i + j) % 5 == 0) {
                        x[i * cols + j] = y[yi];   // ties for MAX, MIN, GREATER
                    }
                    expected[i * cols + j] = Reference.binary(op, x[i * cols + j], y[yi]);
                }
            }
            Tensor out = Tensor.empty(b, rows, cols);
            b.binary(op, t(b, x, rows, cols), t(b, y, yr, yc), out);
            Approx.assertClose(id + " x " + shape(rows, cols) + " y " + shape(yr, yc), expected, out.toArray(),
                    tol.atol(), tol.rtol());
            if (rows == 7 && cols == 129) {
                Tensor inPlace = t(b, x, rows, cols);
                b.binary(op, inPlace, t(b, y, yr, yc), inPlace);
                Approx.assertClose(id + " in place", expected, inPlace.toArray(), tol.atol(), tol.rtol());
            }
        }
        if (form.equals("full")) {   // every pair of special values; the sign of a zero result must match too
            float[] sv = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f, -1e-40f, 1f, -1f,
                3f, 1e30f, -1e30f};
            int k = sv.length;
            float[] x = new float[k * k];
            float[] y = new float[k * k];
            float[] want = new float[k * k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    x[i * k + j] = sv[i];
                    y[i * k + j] = sv[j];
                    want[i * k + j] = (float) Reference.binary(op, sv[i], sv[j]);
                }
            }
            Tensor out = Tensor.empty(b, k, k);
            b.binary(op, t(b, x, k, k), t(b, y, k, k), out);
            float[] got = out.toArray();
            for (int i = 0; i < k * k; i++) {
                float[] one = {want[i]};
                Approx.assertSpecials(id + " special values " + x[i] + " and " + y[i], new float[] {x[i]}, one,
                        new float[] {got[i]}, tol.atol(), tol.rtol());
            }
        }
        rejects(id + " with y (2, 3) against x (7, 129)",
                "binary " + op + ": y (2, 3) must be (7, 129), (1, 129) or (7, 1) to combine with x (7, 129)",
                () -> b.binary(op, Tensor.zeros(b, 7, 129), Tensor.full(b, 1f, 2, 3), Tensor.zeros(b, 7, 129)));
    }

    private static void reduce(Backend b, ReduceOp op, int axis) {
        String id = id("reduce", op, "axis" + axis);
        Random r = rng(id);
        for (int[] s : SHAPES) {
            int rows = s[0];
            int cols = s[1];
            float[] x = op == ReduceOp.SUM ? normal(r, rows * cols, 1) : new float[rows * cols];
            if (op != ReduceOp.SUM) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextInt(5) - 2;   // small integers: many ties, first index must win
                }
            }
            Tensor out = axis == 0 ? Tensor.empty(b, 1, cols) : Tensor.empty(b, rows, 1);
            b.reduce(op, axis, t(b, x, rows, cols), out);
            double[] expected = Reference.reduce(op, axis, x, rows, cols);
            String what = id + " " + shape(rows, cols);
            if (op == ReduceOp.SUM) {
                float[] ax = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    ax[i] = Math.abs(x[i]);
                }
                double[] abs = Reference.reduce(ReduceOp.SUM, axis, ax, rows, cols);
                Approx.assertWithin(what, expected, out.toArray(), sumBound(abs, axis == 0 ? rows : cols, 0));
            } else {
                Approx.assertClose(what, expected, out.toArray(), 0, 0);
            }
        }
        rejects(id + " into a wrong-shaped out",
                "reduce " + op + ": out (7, 7) must be " + (axis == 0 ? "(1, 129)" : "(7, 1)"),
                () -> b.reduce(op, axis, Tensor.zeros(b, 7, 129), Tensor.zeros(b, 7, 7)));
        Tensor column = Tensor.zeros(b, 7, 1);
        Tensor row = Tensor.zeros(b, 1, 7);
        rejects(id + " with out aliasing x", "reduce " + op + ": x " + (axis == 1 ? "(7, 1)" : "(1, 7)") + " and out "
                + (axis == 1 ? "(7, 1)" : "(1, 7)") + " must not share a buffer",
                () -> b.reduce(op, axis, axis == 1 ? column : row, axis == 1 ? column : row));
    }

    // ---------------------------------------------------------------- activations

    static float param(Activation act) {
        return switch (act) {
            case LEAKY_RELU -> 0.2f;
            case ELU -> 0.7f;
            case SWISH -> 1.3f;
            default -> 0.37f;   // ignored; must not change the result
        };
    }

    /** N(0, 3^2) with exact zeros (kinks) and extremes +-30, +-200 (saturation, overflow safety). */
    static float[] activationInput(Random r, int n) {
        float[] x = normal(r, n, 3);
        float[] extremes = {30f, -30f, 200f, -200f};
        for (int i = 0; i < n; i++) {
            if (i % 11 == 0) {
                x[i] = 0f;
            } else if (i % 17 == 5) {
                x[i] = extremes[(i / 17) % 4];
            }
        }
        return x;
    }

    private static void activationForward(Backend b, Activation act) {
        String id = id("activationForward", act);
        Random r = rng(id);
        float p = param(act);
        for (int[] s : SHAPES) {
            int n = s[0] * s[1];
            float[] x = activationInput(r, n);
            double[] expected = new double[n];
            for (int i = 0; i < n; i++) {
                expected[i] = Reference.activation(act, p, x[i]);
            }
            Tensor y = Tensor.empty(b, s[0], s[1]);
            b.activationForward(act, p, t(b, x, s[0], s[1]), y);
            Approx.assertClose(id + " " + shape(s[0], s[1]), expected, y.toArray(), Tol.TRANSC.atol(), Tol.TRANSC.rtol());
            if (s[0] == 7 && s[1] == 129) {
                Tensor inPlace = t(b, x, s[0], s[1]);
                b.activationForward(act, p, inPlace, inPlace);
                Approx.assertClose(id + " in place", expected, inPlace.toArray(), Tol.TRANSC.atol(), Tol.TRANSC.rtol());
            }
        }
        float[] tail = TAILS;
        float[] want = new float[tail.length];
        for (int i = 0; i < tail.length; i++) {
            want[i] = (float) Reference.activation(act, p, tail[i]);
        }
        Tensor y = Tensor.empty(b, 1, tail.length);
        b.activationForward(act, p, t(b, tail, 1, tail.length), y);
        Approx.assertSpecials(id + " large |x|", tail, want, y.toArray(), TAIL_ATOL, Tol.TRANSC.rtol(), false);
        if (act == Activation.RELU || act == Activation.LEAKY_RELU) {
            selectSpecials(b, act, p, id, false);
        }
    }

    /** x values whose "x > 0" a fast path gets wrong most easily: NaN, both zeros, the smallest subnormals, infinities. */
    static final float[] SELECT_X = {Float.NaN, -0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.POSITIVE_INFINITY,
                                     Float.NEGATIVE_INFINITY, 1.5f, -1.5f, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-40f};
    /** dy values a select must pass through unchanged or replace (never multiply: inf * 0 and NaN * 0 are NaN). */
    static final float[] SELECT_DY = {1f, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -2.5f};

    /**
     * relu and leaky_relu are selects on {@code x > 0}, which is false for NaN and -0: bit for bit,
     * {@code relu(x) = x > 0 ? x : +0}, {@code leaky(x) = x > 0 ? x : p*x}, and the derivatives
     * {@code x > 0 ? dy : +0} and {@code x > 0 ? dy : p*dy}, for every pair of {@link #SELECT_X} x {@link #SELECT_DY}
     * (the periods 12 and 7 meet every pair in 84 elements), at every position of rows longer than a SIMD register
     * and at a ragged tail (7 x 37: 259 elements).
     */
    private static void selectSpecials(Backend b, Activation act, float p, String id, boolean backward) {
        int rows = 7;
        int cols = 37;
        int n = rows * cols;
        float[] x = new float[n];
        float[] dy = new float[n];
        float[] y = new float[n];
        float[] dx = new float[n];
        boolean leaky = act == Activation.LEAKY_RELU;
        for (int i = 0; i < n; i++) {
            x[i] = SELECT_X[i % SELECT_X.length];
            dy[i] = SELECT_DY[i % SELECT_DY.length];
            y[i] = x[i] > 0 ? x[i] : leaky ? p * x[i] : 0f;
            dx[i] = x[i] > 0 ? dy[i] : leaky ? p * dy[i] : 0f;
        }
        Tensor tx = t(b, x, rows, cols);
        if (!backward) {
            Tensor ty = Tensor.empty(b, rows, cols);
            b.activationForward(act, p, tx, ty);
            Approx.assertExact(id + " specials", y, ty.toArray());
        } else {
            Tensor tdx = Tensor.empty(b, rows, cols);
            b.activationBackward(act, p, tx, t(b, y, rows, cols), t(b, dy, rows, cols), tdx);
            Approx.assertExact(id + " specials", dx, tdx.toArray());
        }
    }

    /**
     * Inputs far out in the tails, where a formula that cancels (1 + erf(x) for GELU) or overflows loses every
     * digit; compared relatively (atol {@value #TAIL_ATOL}, below every tail value here but a subnormal).
     */
    static final float[] TAILS = {-80f, -30f, -12f, -8f, -5f, -3f, -0f, 0f, 3f, 5f, 8f, 12f, 30f, 80f};
    static final double TAIL_ATOL = 1e-37;

    private static void activationBackward(Backend b, Activation act) {
        String id = id("activationBackward", act);
        Random r = rng(id);
        float p = param(act);
        for (int[] s : SHAPES) {
            int n = s[0] * s[1];
            float[] x = activationInput(r, n);
            float[] y = new float[n];
            float[] dy = normal(r, n, 1);
            double[] expected = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = (float) Reference.activation(act, p, x[i]);
                expected[i] = dy[i] * Reference.activationDerivative(act, p, x[i]);
            }
            Tensor tx = t(b, x, s[0], s[1]);
            Tensor ty = t(b, y, s[0], s[1]);
            Tensor dx = Tensor.empty(b, s[0], s[1]);
            b.activationBackward(act, p, tx, ty, t(b, dy, s[0], s[1]), dx);
            Approx.assertClose(id + " " + shape(s[0], s[1]), expected, dx.toArray(), Tol.TRANSC.atol(), Tol.TRANSC.rtol());
            if (s[0] == 7 && s[1] == 129) {
                Tensor shared = t(b, dy, s[0], s[1]);   // dx may alias dy
                b.activationBackward(act, p, tx, ty, shared, shared);
                Approx.assertClose(id + " with dx aliasing dy", expected, shared.toArray(), Tol.TRANSC.atol(),
                        Tol.TRANSC.rtol());
            }
        }
        float[] tail = TAILS;
        float[] ty = new float[tail.length];
        float[] ones = new float[tail.length];
        float[] want = new float[tail.length];
        for (int i = 0; i < tail.length; i++) {
            ty[i] = (float) Reference.activation(act, p, tail[i]);
            ones[i] = 1f;
            want[i] = (float) switch (act) {   // these two are computed from the forward output, as the SPI says
                case SIGMOID -> (double) ty[i] * (1 - ty[i]);
                case TANH -> 1 - (double) ty[i] * ty[i];
                default -> Reference.activationDerivative(act, p, tail[i]);
            };
        }
        Tensor dx = Tensor.empty(b, 1, tail.length);
        b.activationBackward(act, p, t(b, tail, 1, tail.length), t(b, ty, 1, tail.length), t(b, ones, 1, tail.length), dx);
        Approx.assertSpecials(id + " large |x|", tail, want, dx.toArray(), TAIL_ATOL, Tol.TRANSC.rtol(), false);
        if (act == Activation.RELU || act == Activation.LEAKY_RELU) {
            selectSpecials(b, act, p, id, true);
        }
    }

    private static void preluForward(Backend b) {
        Random r = rng("preluForward");
        for (int[] s : SHAPES) {
            int rows = s[0];
            int cols = s[1];
            float[] x = activationInput(r, rows * cols);
            float[] alpha = uniform(r, cols, 0, 0.5);
            double[] expected = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                expected[i] = x[i] > 0 ? x[i] : (double) alpha[i % cols] * x[i];
            }
            Tensor y = Tensor.empty(b, rows, cols);
            b.preluForward(t(b, x, rows, cols), t(b, alpha, 1, cols), y);
            Approx.assertClose("preluForward " + shape(rows, cols), expected, y.toArray(), Tol.ARITH.atol(), Tol.ARITH.rtol());
        }
        rejects("preluForward with alpha (1, 6) for x (7, 7)", "preluForward: alpha (1, 6) must be (1, 7)",
                () -> b.preluForward(Tensor.zeros(b, 7, 7), Tensor.zeros(b, 1, 6), Tensor.zeros(b, 7, 7)));
    }

    private static void preluBackward(Backend b) {
        Random r = rng("preluBackward");
        for (int[] s : SHAPES) {
            for (boolean accumulate : new boolean[] {false, true}) {
                int rows = s[0];
                int cols = s[1];
                float[] x = activationInput(r, rows * cols);
                float[] alpha = uniform(r, cols, 0, 0.5);
                float[] dy = normal(r, rows * cols, 1);
                float[] da0 = normal(r, cols, 1);
                double[] dx = new double[x.length];
                double[] da = new double[cols];
                double[] daAbs = new double[cols];
                for (int i = 0; i < x.length; i++) {
                    int j = i % cols;
                    dx[i] = x[i] > 0 ? dy[i] : (double) dy[i] * alpha[j];
                    if (x[i] <= 0) {
                        da[j] += (double) dy[i] * x[i];
                        daAbs[j] += Math.abs((double) dy[i] * x[i]);
                    }
                }
                for (int j = 0; j < cols; j++) {
                    if (accumulate) {
                        da[j] += da0[j];
                        daAbs[j] += Math.abs(da0[j]);
                    }
                }
                Tensor tdx = Tensor.empty(b, rows, cols);
                Tensor tda = t(b, da0, 1, cols);
                b.preluBackward(t(b, x, rows, cols), t(b, alpha, 1, cols), t(b, dy, rows, cols), tdx, tda, accumulate);
                String what = "preluBackward " + shape(rows, cols) + " accumulate=" + accumulate;
                Approx.assertClose(what + " dx", dx, tdx.toArray(), Tol.ARITH.atol(), Tol.ARITH.rtol());
                Approx.assertWithin(what + " dalpha", da, tda.toArray(), sumBound(daAbs, rows + 1, 1e-6));
            }
        }
        // a NaN input is not "x > 0": its dx is dy*alpha and it poisons its column's dalpha (only that column)
        float[] x = {Float.NaN, 1f, -2f, -3f, 0.5f, -0f};
        float[] alpha = {0.25f, 0.5f};
        float[] dy = {1f, 2f, 3f, 4f, 5f, 6f};
        Tensor tdx = Tensor.empty(b, 3, 2);
        Tensor tda = Tensor.empty(b, 1, 2);
        b.preluBackward(t(b, x, 3, 2), t(b, alpha, 1, 2), t(b, dy, 3, 2), tdx, tda, false);
        Approx.assertSpecials("preluBackward NaN x dx", x, new float[] {0.25f, 2f, 0.75f, 2f, 5f, 3f}, tdx.toArray(), 0, 0);
        float[] da = tda.toArray();
        assertTrue(Float.isNaN(da[0]), "preluBackward: a NaN x must make its column's dalpha NaN, got " + da[0]);
        assertEquals(4f * -3f + 6f * -0f, da[1], "preluBackward: dalpha of the column without NaN");
    }

    private static void softmax(Backend b) {
        Random r = rng("softmax");
        for (int[] s : SHAPES) {
            int rows = s[0];
            int k = s[1];
            float[] x = normal(r, rows * k, 3);
            for (int j = 0; j < k; j++) {
                x[j] += 1000f;   // row 0 would overflow exp without the max shift
            }
            Tensor y = Tensor.empty(b, rows, k);
            b.softmax(t(b, x, rows, k), y);
            Approx.assertClose("softmax " + shape(rows, k), Reference.softmax(x, rows, k), y.toArray(),
                    Tol.TRANSC.atol(), Tol.TRANSC.rtol());
        }
        Tensor x = Tensor.zeros(b, 7, 7);
        rejects("softmax with y aliasing x", "softmax: x (7, 7) and y (7, 7) must not share a buffer",
                () -> b.softmax(x, x));
    }

    // ---------------------------------------------------------------- softmax cross-entropy

    /** Labels (rows, k): even rows one-hot, odd rows soft (positive, summing to 1); or (rows, 1) indices. */
    static float[] labels(Random r, int rows, int k, boolean sparse) {
        if (sparse) {
            float[] idx = new float[rows];
            for (int i = 0; i < rows; i++) {
                idx[i] = r.nextInt(k);
            }
            return idx;
        }
        float[] y = new float[rows * k];
        for (int i = 0; i < rows; i++) {
            if (i % 2 == 0) {
                y[i * k + r.nextInt(k)] = 1f;
            } else {
                double sum = 0;
                double[] w = new double[k];
                for (int j = 0; j < k; j++) {
                    w[j] = r.nextDouble() + 0.01;
                    sum += w[j];
                }
                for (int j = 0; j < k; j++) {
                    y[i * k + j] = (float) (w[j] / sum);
                }
            }
        }
        return y;
    }

    private static void crossEntropy(Backend b, boolean sparse) {
        String id = id("softmaxCrossEntropy", sparse ? "sparse" : "dense");
        Random r = rng(id);
        for (int[] s : SHAPES) {
            int rows = s[0];
            int k = s[1];
            if (sparse && k == 1) {
                continue;   // (rows, 1) labels with k = 1 are the dense form
            }
            float[] logits = normal(r, rows * k, 3);
            float[] y = labels(r, rows, k, sparse);
            for (int j = 0; j < k; j++) {
                logits[j] += 1000f;
            }
            if (rows > 2 && k > 1) {
                // A confident wrong prediction: p(label) underflows in float, the loss must stay finite.
                int label = sparse ? (int) y[2] : argmax(y, 2 * k, k);
                logits[2 * k + label] = -120f;
            }
            Tensor probs = Tensor.empty(b, rows, k);
            Tensor loss = Tensor.empty(b, rows, 1);
            b.softmaxCrossEntropy(t(b, logits, rows, k), sparse ? t(b, y, rows, 1) : t(b, y, rows, k), probs, loss);
            String what = id + " " + shape(rows, k);
            Approx.assertClose(what + " probs", Reference.softmax(logits, rows, k), probs.toArray(),
                    Tol.TRANSC.atol(), Tol.TRANSC.rtol());
            Approx.assertClose(what + " loss", Reference.crossEntropy(logits, y, sparse, rows, k), loss.toArray(),
                    1e-5, 1e-5);
        }
        if (sparse) {
            badLabels(b, id, (logits, labels) -> {
                Tensor loss = Tensor.empty(b, logits.rows(), 1);
                b.softmaxCrossEntropy(logits, labels, Tensor.empty(b, logits.rows(), logits.cols()), loss);
                return loss;
            });
        }
        Tensor x = Tensor.zeros(b, 7, 7);
        Tensor lab = sparse ? Tensor.zeros(b, 7, 1) : Tensor.zeros(b, 7, 7);
        rejects(id + " with probs aliasing logits",
                "softmaxCrossEntropy: logits (7, 7) and probs (7, 7) must not share a buffer",
                () -> b.softmaxCrossEntropy(x, lab, x, Tensor.zeros(b, 7, 1)));
        rejects(id + " with labels (7, 3) for logits (7, 7)",
                "softmaxCrossEntropy: labels (7, 3) must be one-hot (7, 7) or class indices (7, 1) for logits (7, 7)",
                () -> b.softmaxCrossEntropy(x, Tensor.zeros(b, 7, 3), Tensor.zeros(b, 7, 7), Tensor.zeros(b, 7, 1)));
    }

    private static int argmax(float[] v, int o, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (v[o + j] > v[o + best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * Sparse labels that are no class index (k, -1, 2.5, NaN) in rows 1..4 of 6: a backend whose reads are
     * free (CPU) checks them and throws naming the label; a device backend cannot without a host sync and
     * makes exactly those rows NaN, leaving the good rows (0 and 5) as with a valid label.
     */
    private static void badLabels(Backend b, String id, java.util.function.BinaryOperator<Tensor> op) {
        int k = 7;
        float[] bad = {k, -1f, 2.5f, Float.NaN};
        float[] labels = {3f, bad[0], bad[1], bad[2], bad[3], 6f};
        float[] in = normal(rng(id + " bad labels"), labels.length * k, 1);
        Tensor x = t(b, in, labels.length, k);
        Tensor lab = t(b, labels, labels.length, 1);
        if (!b.capabilities().readWaitsForDevice()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.apply(x, lab),
                    id + " must reject label " + bad[0]);
            assertTrue(e.getMessage().contains("label " + bad[0] + " in row 1"), e.getMessage());
            for (float v : bad) {
                float[] one = {1f, v};
                assertThrows(IllegalArgumentException.class, () -> op.apply(t(b, new float[2 * k], 2, k),
                        t(b, one, 2, 1)), id + " must reject label " + v);
            }
            return;
        }
        float[] got = op.apply(x, lab).toArray();
        int cols = got.length / labels.length;
        float[] good = {3f, 3f, 3f, 3f, 3f, 6f};
        float[] ref = op.apply(x, t(b, good, labels.length, 1)).toArray();
        for (int r = 0; r < labels.length; r++) {
            for (int j = 0; j < cols; j++) {
                float g = got[r * cols + j];
                if (r >= 1 && r <= 4) {
                    assertTrue(Float.isNaN(g), id + ": label " + labels[r] + " in row " + r + " must give NaN, got " + g);
                } else {
                    assertEquals(ref[r * cols + j], g, id + ": row " + r + " with a valid label");
                }
            }
        }
    }

    private static void crossEntropyBackward(Backend b, boolean sparse) {
        String id = id("softmaxCrossEntropyBackward", sparse ? "sparse" : "dense");
        Random r = rng(id);
        float scale = 0.37f;
        for (int[] s : SHAPES) {
            int rows = s[0];
            int k = s[1];
            if (sparse && k == 1) {
                continue;
            }
            double[] p = Reference.softmax(normal(r, rows * k, 2), rows, k);
            float[] probs = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                probs[i] = (float) p[i];
            }
            float[] y = labels(r, rows, k, sparse);
            double[] expected = new double[rows * k];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < k; j++) {
                    double target = sparse ? ((int) y[i] == j ? 1 : 0) : y[i * k + j];
                    expected[i * k + j] = scale * (probs[i * k + j] - target);
                }
            }
            Tensor d = Tensor.empty(b, rows, k);
            b.softmaxCrossEntropyBackward(t(b, probs, rows, k), sparse ? t(b, y, rows, 1) : t(b, y, rows, k), scale, d);
            Approx.assertClose(id + " " + shape(rows, k), expected, d.toArray(), Tol.ARITH.atol(), Tol.ARITH.rtol());
        }
        if (sparse) {
            badLabels(b, id, (probs, labels) -> {
                Tensor d = Tensor.empty(b, probs.rows(), probs.cols());
                b.softmaxCrossEntropyBackward(probs, labels, scale, d);
                return d;
            });
        }
        Tensor pr = Tensor.zeros(b, 7, 7);
        rejects(id + " with dlogits aliasing probs",
                "softmaxCrossEntropyBackward: probs (7, 7) and dlogits (7, 7) must not share a buffer",
                () -> b.softmaxCrossEntropyBackward(pr, sparse ? Tensor.zeros(b, 7, 1) : Tensor.zeros(b, 7, 7), 1f, pr));
    }

    // ---------------------------------------------------------------- dropout

    private static void dropoutMask(Backend b) {
        long[] seeds = {42L, 0x1234_5678_9abc_def0L, -1L, 7L};
        int[] streams = {0, 7, -3, 1};
        long[] steps = {0L, (1L << 33) + 5, 123_456L, 3L};
        float[] keeps = {0.8f, 0.5f, 0.9f, 1.0f};
        int[][] shapes = {{1, 1}, {7, 129}, {313, 321}, {7, 1}};
        for (int c = 0; c < seeds.length; c++) {
            int n = shapes[c][0] * shapes[c][1];
            float[] expected = expectedMask(seeds[c], streams[c], steps[c], keeps[c], n);
            Tensor mask = Tensor.empty(b, shapes[c][0], shapes[c][1]);
            b.dropoutMask(seeds[c], streams[c], steps[c], keeps[c], mask);
            Approx.assertExact("dropoutMask seed=" + seeds[c] + " stream=" + streams[c] + " step=" + steps[c]
                    + " keep=" + keeps[c] + " " + shape(shapes[c][0], shapes[c][1]), expected, mask.toArray());
        }
        Tensor m = Tensor.empty(b, 1, 7);
        rejects("dropoutMask keep=0", "dropoutMask: keep 0.0 must be in (0, 1]", () -> b.dropoutMask(1, 0, 0, 0f, m));
        rejects("dropoutMask keep=1.5", "dropoutMask: keep 1.5 must be in (0, 1]",
                () -> b.dropoutMask(1, 0, 0, 1.5f, m));
    }

    /** The SPI rule written out: keep element i iff its Philox word (unsigned) < floor(keep * 2^32). */
    static float[] expectedMask(long seed, int stream, long step, float keep, int n) {
        long threshold = (long) Math.floor((double) keep * 4294967296.0);
        int[] scratch = new int[4];
        float[] m = new float[n];
        for (int i = 0; i < n; i++) {
            int word = Philox.dropoutWord(seed, stream, step, i, scratch);
            m[i] = Integer.toUnsignedLong(word) < threshold ? 1f / keep : 0f;
        }
        return m;
    }

    // ---------------------------------------------------------------- batch normalization

    /** Shapes (n, c) for batch norm: a single sample, odd widths, and one above the parallel grain. */
    static final int[][] BN_SHAPES = {{1, 7}, {7, 1}, {7, 129}, {129, 7}, {257, 129}};

    private static void batchNormTrain(Backend b) {
        Random r = rng("batchNormTrain");
        float eps = 1e-3f;
        float momentum = 0.9f;
        for (int[] s : BN_SHAPES) {
            for (boolean unbiased : new boolean[] {false, true}) {
                int n = s[0];
                int c = s[1];
                if (unbiased && n < 2) {
                    continue;
                }
                float[] x = normal(r, n * c, 2);
                for (int i = 0; i < x.length; i++) {
                    x[i] += 3f;   // a non-zero mean makes the centring matter
                }
                float[] gamma = uniform(r, c, 0.5, 1.5);
                float[] beta = normal(r, c, 1);
                float[] rm = normal(r, c, 1);
                float[] rv = uniform(r, c, 0.5, 2);
                double[] mean = new double[c];
                double[] var = new double[c];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < c; j++) {
                        mean[j] += x[i * c + j] / (double) n;
                    }
                }
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < c; j++) {
                        double d = x[i * c + j] - mean[j];
                        var[j] += d * d / n;
                    }
                }
                double[] invStd = new double[c];
                double[] rmExp = new double[c];
                double[] rvExp = new double[c];
                for (int j = 0; j < c; j++) {
                    invStd[j] = 1 / Math.sqrt(var[j] + eps);
                    rmExp[j] = momentum * (double) rm[j] + (1 - (double) momentum) * mean[j];
                    double stat = unbiased ? var[j] * n / (n - 1) : var[j];
                    rvExp[j] = momentum * (double) rv[j] + (1 - (double) momentum) * stat;
                }
                double[] y = new double[n * c];
                for (int i = 0; i < n * c; i++) {
                    int j = i % c;
                    y[i] = gamma[j] * (x[i] - mean[j]) * invStd[j] + beta[j];
                }
                Tensor trm = t(b, rm, 1, c);
                Tensor trv = t(b, rv, 1, c);
                Tensor ty = Tensor.empty(b, n, c);
                Tensor tMean = Tensor.empty(b, 1, c);
                Tensor tInv = Tensor.empty(b, 1, c);
                b.batchNormTrain(t(b, x, n, c), t(b, gamma, 1, c), t(b, beta, 1, c), eps, momentum, unbiased, trm, trv,
                        ty, tMean, tInv);
                String what = "batchNormTrain " + shape(n, c) + " unbiased=" + unbiased;
                Approx.assertClose(what + " y", y, ty.toArray(), 1e-5, 1e-5);
                Approx.assertClose(what + " mean", mean, tMean.toArray(), 1e-6, 1e-6);
                Approx.assertClose(what + " invStd", invStd, tInv.toArray(), 1e-6, 1e-5);
                Approx.assertClose(what + " runningMean", rmExp, trm.toArray(), 1e-6, 1e-5);
                Approx.assertClose(what + " runningVar", rvExp, trv.toArray(), 1e-6, 1e-5);
            }
        }
        Tensor x = Tensor.zeros(b, 7, 7);
        rejects("batchNormTrain with y aliasing x", "batchNormTrain: x (7, 7) and y (7, 7) must not share a buffer",
                () -> b.batchNormTrain(x, Tensor.full(b, 1f, 1, 7), Tensor.zeros(b, 1, 7),
                1e-3f, 0.9f, false, Tensor.zeros(b, 1, 7), Tensor.full(b, 1f, 1, 7), x, Tensor.zeros(b, 1, 7),
                Tensor.zeros(b, 1, 7)));
        rejects("batchNormTrain with gamma (1, 6) for x (7, 7)", "batchNormTrain: gamma (1, 6) must be (1, 7)",
                () -> b.batchNormTrain(x, Tensor.full(b, 1f, 1, 6),
                Tensor.zeros(b, 1, 7), 1e-3f, 0.9f, false, Tensor.zeros(b, 1, 7), Tensor.full(b, 1f, 1, 7),
                Tensor.zeros(b, 7, 7), Tensor.zeros(b, 1, 7), Tensor.zeros(b, 1, 7)));
    }

    private static void batchNormInfer(Backend b) {
        Random r = rng("batchNormInfer");
        float eps = 1e-3f;
        for (int[] s : BN_SHAPES) {
            int n = s[0];
            int c = s[1];
            float[] x = normal(r, n * c, 2);
            float[] gamma = uniform(r, c, 0.5, 1.5);
            float[] beta = normal(r, c, 1);
            float[] rm = normal(r, c, 1);
            float[] rv = uniform(r, c, 0.5, 2);
            double[] y = new double[n * c];
            for (int i = 0; i < n * c; i++) {
                int j = i % c;
                y[i] = gamma[j] * (x[i] - (double) rm[j]) / Math.sqrt(rv[j] + (double) eps) + beta[j];
            }
            Tensor ty = Tensor.empty(b, n, c);
            b.batchNormInfer(t(b, x, n, c), t(b, gamma, 1, c), t(b, beta, 1, c), t(b, rm, 1, c), t(b, rv, 1, c), eps, ty);
            Approx.assertClose("batchNormInfer " + shape(n, c), y, ty.toArray(), 1e-5, 1e-5);
        }
        rejects("batchNormInfer with runningVar (1, 6) for x (7, 7)",
                "batchNormInfer: runningVar (1, 6) must be (1, 7)",
                () -> b.batchNormInfer(Tensor.zeros(b, 7, 7),
                Tensor.full(b, 1f, 1, 7), Tensor.zeros(b, 1, 7), Tensor.zeros(b, 1, 7), Tensor.full(b, 1f, 1, 6), 1e-3f,
                Tensor.zeros(b, 7, 7)));
    }

    private static void batchNormBackward(Backend b) {
        Random r = rng("batchNormBackward");
        for (int[] s : BN_SHAPES) {
            for (boolean accumulate : new boolean[] {false, true}) {
                int n = s[0];
                int c = s[1];
                float[] x = normal(r, n * c, 2);
                float[] gamma = uniform(r, c, 0.5, 1.5);
                float[] dy = normal(r, n * c, 1);
                float[] mean = new float[c];
                float[] invStd = new float[c];
                for (int j = 0; j < c; j++) {   // the statistics a training forward would have saved
                    double m = 0;
                    double v = 0;
                    for (int i = 0; i < n; i++) {
                        m += x[i * c + j];
                    }
                    m /= n;
                    for (int i = 0; i < n; i++) {
                        v += (x[i * c + j] - m) * (x[i * c + j] - m);
                    }
                    mean[j] = (float) m;
                    invStd[j] = (float) (1 / Math.sqrt(v / n + 1e-3));
                }
                float[] dg0 = normal(r, c, 1);
                float[] db0 = normal(r, c, 1);
                double[] sdy = new double[c];
                double[] sdyx = new double[c];
                double[] absDy = new double[c];
                double[] absDyx = new double[c];
                for (int i = 0; i < n * c; i++) {
                    int j = i % c;
                    double xhat = (x[i] - (double) mean[j]) * invStd[j];
                    sdy[j] += dy[i];
                    sdyx[j] += dy[i] * xhat;
                    absDy[j] += Math.abs(dy[i]);
                    absDyx[j] += Math.abs(dy[i] * xhat);
                }
                double[] dx = new double[n * c];
                for (int i = 0; i < n * c; i++) {
                    int j = i % c;
                    double xhat = (x[i] - (double) mean[j]) * invStd[j];
                    dx[i] = gamma[j] * (double) invStd[j] / n * (n * (double) dy[i] - sdy[j] - xhat * sdyx[j]);
                }
                double[] dgamma = new double[c];
                double[] dbeta = new double[c];
                for (int j = 0; j < c; j++) {
                    dgamma[j] = sdyx[j] + (accumulate ? dg0[j] : 0);
                    dbeta[j] = sdy[j] + (accumulate ? db0[j] : 0);
                    absDyx[j] += accumulate ? Math.abs(dg0[j]) : 0;
                    absDy[j] += accumulate ? Math.abs(db0[j]) : 0;
                }
                Tensor tdx = Tensor.empty(b, n, c);
                Tensor tdg = t(b, dg0, 1, c);
                Tensor tdb = t(b, db0, 1, c);
                b.batchNormBackward(t(b, x, n, c), t(b, gamma, 1, c), t(b, mean, 1, c), t(b, invStd, 1, c),
                        t(b, dy, n, c), tdx, tdg, tdb, accumulate);
                String what = "batchNormBackward " + shape(n, c) + " accumulate=" + accumulate;
                Approx.assertClose(what + " dx", dx, tdx.toArray(), 2e-5, 1e-4);
                Approx.assertWithin(what + " dgamma", dgamma, tdg.toArray(), sumBound(absDyx, n + 8, 1e-6));
                Approx.assertWithin(what + " dbeta", dbeta, tdb.toArray(), sumBound(absDy, n + 1, 1e-6));
            }
        }
        Tensor g = Tensor.zeros(b, 7, 7);
        rejects("batchNormBackward with dx aliasing x",
                "batchNormBackward: x (7, 7) and dx (7, 7) must not share a buffer",
                () -> b.batchNormBackward(g, Tensor.full(b, 1f, 1, 7),
                Tensor.zeros(b, 1, 7), Tensor.full(b, 1f, 1, 7), Tensor.zeros(b, 7, 7), g, Tensor.zeros(b, 1, 7),
                Tensor.zeros(b, 1, 7), false));
    }

    // ---------------------------------------------------------------- data movement

    private static void gatherRows(Backend b) {
        Random r = rng("gatherRows");
        int[][] srcShapes = {{129, 7}, {7, 129}, {1, 1}};
        int[] counts = {300, 7, 1};
        for (int c = 0; c < srcShapes.length; c++) {
            int rows = srcShapes[c][0];
            int cols = srcShapes[c][1];
            float[] src = normal(r, rows * cols, 1);
            float[] idx = new float[counts[c]];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = r.nextInt(rows);   // with repeats
            }
            idx[idx.length - 1] = rows - 1;   // the last row: an off-by-one in the row offset shows here
            float[] expected = new float[idx.length * cols];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(src, (int) idx[i] * cols, expected, i * cols, cols);
            }
            Tensor out = Tensor.empty(b, idx.length, cols);
            b.gatherRows(t(b, src, rows, cols), t(b, idx, idx.length, 1), out);
            Approx.assertExact("gatherRows from " + shape(rows, cols), expected, out.toArray());
        }
        rejects("gatherRows into out (7, 6) from src (9, 7)", "gatherRows: out (7, 6) must be (7, 7)",
                () -> b.gatherRows(Tensor.zeros(b, 9, 7), Tensor.zeros(b, 7, 1), Tensor.zeros(b, 7, 6)));
    }

    private static void fill(Backend b) {
        for (int[] s : SHAPES) {
            for (float v : new float[] {3.25f, -0f, Float.NaN}) {
                Tensor x = Tensor.empty(b, s[0], s[1]);
                b.fill(x, v);
                float[] expected = new float[s[0] * s[1]];
                Arrays.fill(expected, v);
                Approx.assertExact("fill " + v + " " + shape(s[0], s[1]), expected, x.toArray());
            }
        }
    }

    private static void copy(Backend b) {
        Random r = rng("copy");
        for (int[] s : SHAPES) {
            float[] v = normal(r, s[0] * s[1], 1);
            Tensor dst = Tensor.empty(b, s[1], s[0]);   // same element count, transposed shape
            b.copy(t(b, v, s[0], s[1]), dst);
            Approx.assertExact("copy " + shape(s[0], s[1]), v, dst.toArray());
        }
        rejects("copy (1, 7) into (1, 8)", "copy: src (1, 7) and dst (1, 8) must have the same number of elements",
                () -> b.copy(Tensor.zeros(b, 1, 7), Tensor.zeros(b, 1, 8)));
    }
}
