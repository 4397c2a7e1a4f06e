package io.myelin.backend.cpu;

import io.myelin.backend.Activation;
import io.myelin.backend.Backend;
import io.myelin.backend.Capabilities;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.Checks;
import io.myelin.backend.ConvGeometry;
import io.myelin.backend.Operand;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.Storage;
import io.myelin.backend.UnaryOp;
import io.myelin.random.Philox;

import java.util.Arrays;

/**
 * The CPU implementation of {@link Backend}: {@code float[]} buffers from an exact-length caching
 * {@link BufferPool}, GEMM through a {@link Gemm} provider (native BLAS when it loads, see
 * {@link GemmProviders}), and plain Java loops for everything else. Arguments arrive checked by the door of
 * {@link Backend} (shapes, buffers, ownership: the same words as on CUDA); this class adds only the checks of
 * values it can make for free (sparse labels, gather indices, max-pool argmax) and delegates to the op-family
 * kernels ({@code *Kernels}); semantics are those of the {@link Backend} javadoc.
 *
 * <p>Threading: when the GEMM provider does not run threads of its own (see {@code splitLoops}), a loop
 * touching at least {@link Parallel#GRAIN} elements is split across cores; a smaller one runs inline through
 * a direct call, so small ops create no lambdas or tasks (the
 * {@code if (inline(..))} in every op is that fast path).
 *
 * <pre>{@code
 * try (Backend cpu = new CpuBackend(); Tensor x = Tensor.of(cpu, new float[] {1, -2}, 1, 2)) { ... }
 * }</pre>
 */
public final class CpuBackend extends Backend {
    private static final Capabilities CAPABILITIES = new Capabilities(false, false);

    /** Free buffers cached by the pool are capped at a quarter of the heap. */
    private static final long MAX_CACHED_BYTES = Runtime.getRuntime().maxMemory() / 4;

    private final Gemm gemm;
    private final boolean splitLoops;
    private final BufferPool pool = new BufferPool(MAX_CACHED_BYTES);

    /** A CPU backend with the GEMM chosen by {@link GemmProviders#select()} ({@code -Dmyelin.cpu.gemm}). */
    public CpuBackend() {
        this(GemmProviders.select());
    }

    /** A CPU backend with the given GEMM provider (benchmarks and tests compare providers). */
    public CpuBackend(Gemm gemm) {
        Simd.check();
        this.gemm = gemm;
        this.splitLoops = splitLoops(gemm);
    }

    /**
     * Whether elementwise loops are split across cores: not when native BLAS runs the GEMMs, because its own
     * threads already use every core between our loops, and a ForkJoin worker competing with them was
     * measured slower (784-256-256-10 at batch 256: epoch 0.82-0.89 s unsplit against 0.86-0.98 s split,
     * three interleaved runs; equal at batch 128; docs/benchmarks.md). {@code -Dmyelin.cpu.split=always|never}
     * overrides the default {@code auto}.
     */
    private static boolean splitLoops(Gemm gemm) {
        String mode = System.getProperty("myelin.cpu.split", "auto");
        return switch (mode) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> !gemm.name().equals("native");
            default -> throw new IllegalArgumentException("-Dmyelin.cpu.split must be auto, always or never, got '"
                    + mode + "'");
        };
    }

    /** True when a loop of this much work runs on the calling thread. */
    private boolean inline(long work) {
        return !splitLoops || Parallel.inline(work);
    }

    /** The backing array of a CPU tensor, for callers that need raw access on CPU. */
    public static float[] data(Operand t) {
        Storage s = t.storage();
        if (!(s instanceof CpuStorage cs)) {
            throw new IllegalArgumentException("tensor " + t.describe() + " lives on backend '" + t.backend().name()
                    + "', not on cpu");
        }
        return cs.data();
    }

    /** The backing array of an argument the door has checked (a CPU buffer, not released); null stays null. */
    private static float[] floats(Operand t) {
        return t == null ? null : ((CpuStorage) t.storage()).data();
    }

    /** Any CPU buffer: a {@code float[]} is usable by every CPU backend of the process. */
    @Override
    protected boolean owns(Storage storage) {
        return storage instanceof CpuStorage;
    }

    /** The GEMM provider this backend uses. */
    public Gemm gemmProvider() {
        return gemm;
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** Every op has finished when it returns, so a read is a plain copy. */
    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String description() {
        String why = gemm.name().equals("native") ? null : GemmProviders.nativeUnavailableReason();
        return Parallel.cores() + " cores, Java " + Runtime.version().feature() + ", gemm=" + gemm.name() + " ("
                + gemm.description() + "), loops " + (splitLoops ? "split across cores" : "on 1 thread") + ", "
                + Simd.describe()
                + (why == null ? "" : "; " + why);
    }

    // ---------------------------------------------------------------- memory

    @Override
    protected Storage doAllocate(long n) {
        return pool.allocate(n);
    }

    @Override
    protected void doRelease(Storage storage) {
        pool.release((CpuStorage) storage);
    }

    @Override
    public long liveBytes() {
        return pool.liveBytes();
    }

    @Override
    protected void doUpload(float[] src, Operand dst) {
        System.arraycopy(src, 0, floats(dst), 0, src.length);
    }

    @Override
    protected void doDownload(Operand src, float[] dst) {
        System.arraycopy(floats(src), 0, dst, 0, dst.length);
    }

    @Override
    protected void doSynchronize() {
        // CPU ops complete before they return.
    }

    // ---------------------------------------------------------------- dense algebra

    @Override
    protected void doGemm(boolean transA, boolean transB, float alpha, Operand a, Operand b, float beta, Operand c) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        gemm.sgemm(transA, transB, m, n, k, alpha, floats(a), floats(b), beta, floats(c));
    }

    @Override
    protected void doUnary(UnaryOp op, float a, float b, Operand x, Operand out) {
        float[] xs = floats(x);
        float[] ys = floats(out);
        int n = x.size();
        if (inline(n)) {
            ElementwiseKernels.unary(op, a, b, xs, ys, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> ElementwiseKernels.unary(op, a, b, xs, ys, lo, hi));
        }
    }

    @Override
    protected void doBinary(BinaryOp op, Operand x, Operand y, Operand out, Checks.Broadcast mode) {
        float[] xs = floats(x);
        float[] ys = floats(y);
        float[] os = floats(out);
        int rows = x.rows();
        int cols = x.cols();
        int n = x.size();
        boolean inline = inline(n);
        if (mode == Checks.Broadcast.FULL) {
            if (inline) {
                ElementwiseKernels.binary(op, xs, ys, os, 0, n);
            } else {
                Parallel.forRanges(n, n, (lo, hi) -> ElementwiseKernels.binary(op, xs, ys, os, lo, hi));
            }
        } else if (mode == Checks.Broadcast.ROW) {
            if (inline) {
                ElementwiseKernels.binaryRowBroadcast(op, xs, ys, os, cols, 0, rows);
            } else {
                Parallel.forRanges(rows, n, (lo, hi) -> ElementwiseKernels.binaryRowBroadcast(op, xs, ys, os, cols, lo, hi));
            }
        } else if (inline) {
            ElementwiseKernels.binaryColBroadcast(op, xs, ys, os, cols, 0, rows);
        } else {
            Parallel.forRanges(rows, n, (lo, hi) -> ElementwiseKernels.binaryColBroadcast(op, xs, ys, os, cols, lo, hi));
        }
    }

    @Override
    protected void doReduce(ReduceOp op, int axis, Operand x, Operand out) {
        int rows = x.rows();
        int cols = x.cols();
        float[] xs = floats(x);
        float[] os = floats(out);
        int n = x.size();
        boolean inline = inline(n);
        if (axis == 1) {
            if (inline) {
                ReduceKernels.rows(op, xs, cols, os, 0, rows);
            } else {
                Parallel.forRanges(rows, n, (lo, hi) -> ReduceKernels.rows(op, xs, cols, os, lo, hi));
            }
        } else if (inline) {
            ReduceKernels.cols(op, xs, rows, cols, os, 0, cols);
        } else {
            Parallel.forRanges(cols, n, (lo, hi) -> ReduceKernels.cols(op, xs, rows, cols, os, lo, hi));
        }
    }

    // ---------------------------------------------------------------- activations

    @Override
    protected void doActivationForward(Activation act, float p, Operand x, Operand y) {
        float[] xs = floats(x);
        float[] ys = floats(y);
        int n = x.size();
        if (inline(n)) {
            ActivationKernels.forward(act, p, xs, ys, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> ActivationKernels.forward(act, p, xs, ys, lo, hi));
        }
    }

    @Override
    protected void doActivationBackward(Activation act, float p, Operand x, Operand y, Operand dy, Operand dx) {
        float[] xs = floats(x);
        float[] ys = floats(y);
        float[] dys = floats(dy);
        float[] dxs = floats(dx);
        int n = x.size();
        if (inline(n)) {
            ActivationKernels.backward(act, p, xs, ys, dys, dxs, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> ActivationKernels.backward(act, p, xs, ys, dys, dxs, lo, hi));
        }
    }

    @Override
    protected void doPreluForward(Operand x, Operand alpha, Operand y) {
        float[] xs = floats(x);
        float[] as = floats(alpha);
        float[] ys = floats(y);
        int rows = x.rows();
        int cols = x.cols();
        if (inline(x.size())) {
            PReluKernels.forward(xs, as, ys, cols, 0, rows);
        } else {
            Parallel.forRanges(rows, x.size(), (lo, hi) -> PReluKernels.forward(xs, as, ys, cols, lo, hi));
        }
    }

    @Override
    protected void doPreluBackward(Operand x, Operand alpha, Operand dy, Operand dx, Operand dalpha, boolean accumulate) {
        float[] xs = floats(x);
        float[] as = floats(alpha);
        float[] dys = floats(dy);
        float[] dxs = floats(dx);
        float[] das = floats(dalpha);
        int rows = x.rows();
        int cols = x.cols();
        if (inline(x.size())) {
            PReluKernels.backward(xs, as, dys, dxs, das, accumulate, rows, cols, 0, cols);
        } else {
            Parallel.forRanges(cols, x.size(),
                    (lo, hi) -> PReluKernels.backward(xs, as, dys, dxs, das, accumulate, rows, cols, lo, hi));
        }
    }

    @Override
    protected void doSoftmax(Operand x, Operand y) {
        float[] xs = floats(x);
        float[] ys = floats(y);
        int rows = x.rows();
        int k = x.cols();
        if (inline(x.size())) {
            SoftmaxKernels.softmax(xs, ys, k, 0, rows);
        } else {
            Parallel.forRanges(rows, x.size(), (lo, hi) -> SoftmaxKernels.softmax(xs, ys, k, lo, hi));
        }
    }

    // ---------------------------------------------------------------- fused softmax + cross-entropy

    @Override
    protected void doSoftmaxCrossEntropy(Operand logits, Operand labels, boolean sparse, Operand probs, Operand loss) {
        if (sparse) {
            checkClassIndices("softmaxCrossEntropy", logits.cols(), labels);
        }
        float[] xs = floats(logits);
        float[] ls = floats(labels);
        float[] ps = floats(probs);
        float[] out = floats(loss);
        int rows = logits.rows();
        int k = logits.cols();
        if (inline(logits.size())) {
            SoftmaxKernels.crossEntropy(xs, ls, sparse, ps, out, k, 0, rows);
        } else {
            Parallel.forRanges(rows, logits.size(),
                    (lo, hi) -> SoftmaxKernels.crossEntropy(xs, ls, sparse, ps, out, k, lo, hi));
        }
    }

    @Override
    protected void doSoftmaxCrossEntropyBackward(Operand probs, Operand labels, boolean sparse, float scale,
                                                 Operand dlogits) {
        if (sparse) {
            checkClassIndices("softmaxCrossEntropyBackward", probs.cols(), labels);
        }
        float[] ps = floats(probs);
        float[] ls = floats(labels);
        float[] ds = floats(dlogits);
        int rows = probs.rows();
        int k = probs.cols();
        if (inline(probs.size())) {
            SoftmaxKernels.crossEntropyBackward(ps, ls, sparse, scale, ds, k, 0, rows);
        } else {
            Parallel.forRanges(rows, probs.size(),
                    (lo, hi) -> SoftmaxKernels.crossEntropyBackward(ps, ls, sparse, scale, ds, k, lo, hi));
        }
    }

    /**
     * Sparse labels (n, 1) must be whole numbers in [0, k). Only this backend checks values: CUDA would
     * need a host sync and writes NaN instead (docs/cuda.md).
     */
    private static void checkClassIndices(String op, int k, Operand labels) {
        float[] ls = floats(labels);
        for (int r = 0; r < labels.rows(); r++) {
            float v = ls[r];
            if (!(v >= 0 && v < k && v == (int) v)) {
                throw new IllegalArgumentException(op + ": label " + v + " in row " + r
                        + " is not a class index in [0, " + k + ")");
            }
        }
    }

    // ---------------------------------------------------------------- dropout

    @Override
    protected void doDropoutMask(long seed, int stream, long step, float keep, Operand mask) {
        float[] ms = floats(mask);
        int n = mask.size();
        if (inline(n)) {
            Philox.dropoutMask(seed, stream, step, keep, ms, 0, n);
        } else {
            // Split on whole Philox blocks of 4 elements, so every range starts at a block boundary.
            int blocks = (n + 3) / 4;
            Parallel.forRanges(blocks, n,
                    (lo, hi) -> Philox.dropoutMask(seed, stream, step, keep, ms, 4 * lo, Math.min(n, 4 * hi)));
        }
    }

    // ---------------------------------------------------------------- batch normalization

    @Override
    protected void doBatchNormTrain(Operand x, Operand gamma, Operand beta, float eps, float momentum,
                                    boolean unbiasedRunningVar, Operand runningMean, Operand runningVar,
                                    Operand y, Operand mean, Operand invStd) {
        int n = x.rows();
        int c = x.cols();
        if (unbiasedRunningVar && n < 2) {   // CUDA uses the biased variance instead (docs/cuda.md)
            throw new IllegalArgumentException("batchNormTrain: x " + x.describe() + " must have at least 2 rows for"
                    + " the unbiased running variance");
        }
        float[] xs = floats(x);
        float[] gs = floats(gamma);
        float[] bs = floats(beta);
        float[] rm = floats(runningMean);
        float[] rv = floats(runningVar);
        float[] ys = floats(y);
        float[] ms = floats(mean);
        float[] is = floats(invStd);
        if (inline(x.size())) {
            BatchNormKernels.train(xs, n, c, gs, bs, eps, momentum, unbiasedRunningVar, rm, rv, ys, ms, is, 0, c);
        } else {
            Parallel.forRanges(c, x.size(), (lo, hi) ->
                    BatchNormKernels.train(xs, n, c, gs, bs, eps, momentum, unbiasedRunningVar, rm, rv, ys, ms, is, lo, hi));
        }
    }

    @Override
    protected void doBatchNormInfer(Operand x, Operand gamma, Operand beta, Operand runningMean, Operand runningVar,
                                    float eps, Operand y) {
        int c = x.cols();
        float[] rv = floats(runningVar);
        float[] scale = Scratch.floats(c);   // the caller's scratch; workers only read it
        for (int j = 0; j < c; j++) {
            scale[j] = (float) (1 / Math.sqrt(rv[j] + (double) eps));
        }
        float[] xs = floats(x);
        float[] gs = floats(gamma);
        float[] bs = floats(beta);
        float[] rm = floats(runningMean);
        float[] ys = floats(y);
        int rows = x.rows();
        if (inline(x.size())) {
            BatchNormKernels.infer(xs, c, gs, bs, rm, scale, ys, 0, rows);
        } else {
            Parallel.forRanges(rows, x.size(), (lo, hi) -> BatchNormKernels.infer(xs, c, gs, bs, rm, scale, ys, lo, hi));
        }
    }

    @Override
    protected void doBatchNormBackward(Operand x, Operand gamma, Operand mean, Operand invStd, Operand dy,
                                       Operand dx, Operand dgamma, Operand dbeta, boolean accumulate) {
        int n = x.rows();
        int c = x.cols();
        float[] xs = floats(x);
        float[] gs = floats(gamma);
        float[] ms = floats(mean);
        float[] is = floats(invStd);
        float[] dys = floats(dy);
        float[] dxs = floats(dx);
        float[] dgs = floats(dgamma);
        float[] dbs = floats(dbeta);
        if (inline(x.size())) {
            BatchNormKernels.backward(xs, n, c, gs, ms, is, dys, dxs, dgs, dbs, accumulate, 0, c);
        } else {
            Parallel.forRanges(c, x.size(), (lo, hi) ->
                    BatchNormKernels.backward(xs, n, c, gs, ms, is, dys, dxs, dgs, dbs, accumulate, lo, hi));
        }
    }

    // ---------------------------------------------------------------- optimizer

    @Override
    protected void doOptimizerUpdate(OptimizerUpdate u, Operand w, Operand g, Operand s1, Operand s2) {
        float[] ws = floats(w);
        float[] gs = floats(g);
        float[] a = floats(s1);   // null unless the kind keeps state
        float[] b = floats(s2);
        int n = w.size();
        if (inline(n)) {
            OptimizerKernels.update(u, ws, gs, a, b, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> OptimizerKernels.update(u, ws, gs, a, b, lo, hi));
        }
    }

    // ---------------------------------------------------------------- data movement

    @Override
    protected void doGatherRows(Operand src, Operand indices, Operand out) {
        int n = indices.rows();
        int cols = src.cols();
        float[] is = floats(indices);
        for (int r = 0; r < n; r++) {
            float v = is[r];
            if (!(v >= 0 && v < src.rows() && v == (int) v)) {
                throw new IllegalArgumentException("gatherRows: index " + v + " in row " + r + " is not a row of src "
                        + src.describe());
            }
        }
        float[] ss = floats(src);
        float[] os = floats(out);
        for (int r = 0; r < n; r++) {
            System.arraycopy(ss, (int) is[r] * cols, os, r * cols, cols);
        }
    }

    @Override
    protected void doFill(Operand t, float value) {
        Arrays.fill(floats(t), value);
    }

    @Override
    protected void doCopy(Operand src, Operand dst) {
        System.arraycopy(floats(src), 0, floats(dst), 0, src.size());
    }

    // ---------------------------------------------------------------- convolution and pooling

    @Override
    protected void doConv2dForward(ConvGeometry g, Operand x, Operand w, Operand bias, Operand y) {
        int n = x.rows();
        int f = w.rows();
        int k = g.patchSize();
        int plane = g.outputPlane();
        int chunk = ConvKernels.chunkImages(g, n);
        float[] cols = ConvKernels.work(0, (long) k * chunk * plane);
        float[] out = ConvKernels.work(1, (long) f * chunk * plane);
        float[] xs = floats(x);
        float[] ws = floats(w);
        float[] bs = floats(bias);
        float[] ys = floats(y);
        for (int i0 = 0; i0 < n; i0 += chunk) {
            int nb = Math.min(chunk, n - i0);
            ConvKernels.im2col(g, xs, i0, nb, cols);
            gemm.sgemm(false, false, f, nb * plane, k, 1f, ws, cols, 0f, out);
            ConvKernels.scatterOutput(out, bs, f, plane, i0, nb, ys);
        }
    }

    @Override
    protected void doConv2dBackward(ConvGeometry g, Operand x, Operand w, Operand dy, Operand dx, Operand dw,
                                    Operand dbias, boolean accumulate) {
        int n = x.rows();
        int f = w.rows();
        int k = g.patchSize();
        int plane = g.outputPlane();
        int chunk = ConvKernels.chunkImages(g, n);
        float[] cols = dw == null && dx == null ? null : ConvKernels.work(0, (long) k * chunk * plane);
        float[] dyT = ConvKernels.work(1, (long) f * chunk * plane);
        float[] xs = floats(x);
        float[] ws = floats(w);
        float[] dys = floats(dy);
        float[] dws = floats(dw);
        float[] dxs = floats(dx);
        double[] sums = dbias == null ? null : new double[f];
        for (int i0 = 0; i0 < n; i0 += chunk) {
            int nb = Math.min(chunk, n - i0);
            int len = nb * plane;
            ConvKernels.gatherGradient(dys, f, plane, i0, nb, dyT);
            if (sums != null) {
                ConvKernels.rowSums(dyT, f, len, sums);
            }
            if (dws != null) {
                ConvKernels.im2col(g, xs, i0, nb, cols);
                gemm.sgemm(false, true, f, k, len, 1f, dyT, cols, accumulate || i0 > 0 ? 1f : 0f, dws);
            }
            if (dxs != null) {
                gemm.sgemm(true, false, k, len, f, 1f, ws, dyT, 0f, cols);
                ConvKernels.col2im(g, cols, i0, nb, dxs);
            }
        }
        if (sums != null) {
            float[] db = floats(dbias);
            for (int o = 0; o < f; o++) {
                db[o] = (float) (accumulate ? db[o] + sums[o] : sums[o]);
            }
        }
    }

    @Override
    protected void doMaxPool2dForward(ConvGeometry g, Operand x, Operand y, Operand argmax) {
        float[] xs = floats(x);
        float[] ys = floats(y);
        float[] as = floats(argmax);
        int n = x.rows();
        if (inline(x.size())) {
            PoolKernels.maxForward(g, xs, ys, as, 0, n);
        } else {
            Parallel.forRanges(n, x.size(), (lo, hi) -> PoolKernels.maxForward(g, xs, ys, as, lo, hi));
        }
    }

    @Override
    protected void doMaxPool2dBackward(ConvGeometry g, Operand dy, Operand argmax, Operand dx) {
        float[] as = floats(argmax);
        int plane = g.inputPlane();
        for (int i = 0; i < argmax.size(); i++) {
            float v = as[i];
            if (!(v >= 0 && v < plane && v == (int) v)) {
                throw new IllegalArgumentException("maxPool2dBackward: argmax " + v + " at " + i
                        + " is not a position in a " + g.height() + "x" + g.width() + " plane");
            }
        }
        float[] dys = floats(dy);
        float[] dxs = floats(dx);
        int n = dx.rows();
        if (inline(dx.size())) {
            PoolKernels.maxBackward(g, dys, as, dxs, 0, n);
        } else {
            Parallel.forRanges(n, dx.size(), (lo, hi) -> PoolKernels.maxBackward(g, dys, as, dxs, lo, hi));
        }
    }

    @Override
    protected void doAvgPool2dForward(ConvGeometry g, Operand x, Operand y) {
        float[] xs = floats(x);
        float[] ys = floats(y);
        int n = x.rows();
        if (inline(x.size())) {
            PoolKernels.avgForward(g, xs, ys, 0, n);
        } else {
            Parallel.forRanges(n, x.size(), (lo, hi) -> PoolKernels.avgForward(g, xs, ys, lo, hi));
        }
    }

    @Override
    protected void doAvgPool2dBackward(ConvGeometry g, Operand dy, Operand dx) {
        float[] dys = floats(dy);
        float[] dxs = floats(dx);
        int n = dx.rows();
        if (inline(dx.size())) {
            PoolKernels.avgBackward(g, dys, dxs, 0, n);
        } else {
            Parallel.forRanges(n, dx.size(), (lo, hi) -> PoolKernels.avgBackward(g, dys, dxs, lo, hi));
        }
    }

    @Override
    protected void doBatchTranspose(Operand x, int rows, int cols, Operand out) {
        float[] xs = floats(x);
        float[] os = floats(out);
        int count = x.size() / (rows * cols);
        if (inline(x.size())) {
            PoolKernels.transpose(xs, rows, cols, os, 0, count);
        } else {
            Parallel.forRanges(count, x.size(), (lo, hi) -> PoolKernels.transpose(xs, rows, cols, os, lo, hi));
        }
    }

    /** Drops the pool's cached buffers; the door refuses every later op ({@link #close()}). */
    @Override
    protected void free() {
        pool.clear();
    }

    @Override
    public String toString() {
        return "CpuBackend[" + description() + "]";
    }
}
