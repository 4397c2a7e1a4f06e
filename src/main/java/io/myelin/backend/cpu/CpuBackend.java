package io.myelin.backend.cpu;

import io.myelin.backend.Activation;
import io.myelin.backend.Backend;
import io.myelin.backend.Capabilities;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.Checks;
import io.myelin.backend.ConvChecks;
import io.myelin.backend.ConvGeometry;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.Storage;
import io.myelin.backend.UnaryOp;
import io.myelin.random.Philox;
import io.myelin.tensor.Tensor;

import java.util.Arrays;

/**
 * The CPU implementation of {@link Backend}: {@code float[]} buffers from an exact-length caching
 * {@link BufferPool}, GEMM through a {@link Gemm} provider (native BLAS when it loads, see
 * {@link GemmProviders}), and plain Java loops for everything else. This class checks arguments with
 * {@link Checks} (shared with CUDA, so both reject the same mistakes with the same words), scans sparse
 * labels and gather indices itself, and delegates to the op-family kernels ({@code *Kernels}); semantics
 * are those of the {@link Backend} javadoc.
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
public final class CpuBackend implements Backend {
    private static final Capabilities CAPABILITIES = new Capabilities(false, false);

    /** Free buffers cached by the pool are capped at a quarter of the heap. */
    private static final long MAX_CACHED_BYTES = Runtime.getRuntime().maxMemory() / 4;

    private final Gemm gemm;
    private final boolean splitLoops;
    private final BufferPool pool = new BufferPool(MAX_CACHED_BYTES);
    private volatile boolean closed;

    /** A CPU backend with the GEMM chosen by {@link GemmProviders#select()} ({@code -Dmyelin.cpu.gemm}). */
    public CpuBackend() {
        this(GemmProviders.select());
    }

    /** A CPU backend with the given GEMM provider (benchmarks and tests compare providers). */
    public CpuBackend(Gemm gemm) {
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

    /** The backing array of a CPU tensor, for package code and callers that need raw access on CPU. */
    public static float[] data(Tensor t) {
        Storage s = t.storage();
        if (!(s instanceof CpuStorage cs)) {
            throw new IllegalArgumentException("tensor " + t.describe() + " lives on backend '" + t.backend().name()
                    + "', not on cpu");
        }
        return cs.data();
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
                + gemm.description() + "), loops " + (splitLoops ? "split across cores" : "on 1 thread")
                + (why == null ? "" : "; " + why);
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Storage allocate(long n) {
        if (closed) {
            throw new IllegalStateException("cpu backend is closed");
        }
        return pool.allocate(n);
    }

    @Override
    public void release(Storage storage) {
        if (!(storage instanceof CpuStorage cs)) {
            throw new IllegalArgumentException("cpu: cannot release a " + storage.getClass().getSimpleName());
        }
        pool.release(cs);
    }

    @Override
    public long liveBytes() {
        return pool.liveBytes();
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        Checks.upload(src, dst);
        System.arraycopy(src, 0, data(dst), 0, src.length);
    }

    @Override
    public void download(Tensor src, float[] dst) {
        Checks.download(src, dst);
        System.arraycopy(data(src), 0, dst, 0, dst.length);
    }

    @Override
    public void synchronize() {
        // CPU ops complete before they return.
    }

    // ---------------------------------------------------------------- dense algebra

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        Checks.gemm(transA, transB, a, b, c);
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        gemm.sgemm(transA, transB, m, n, k, alpha, data(a), data(b), beta, data(c));
    }

    @Override
    public void unary(UnaryOp op, float a, float b, Tensor x, Tensor out) {
        Checks.unary(op, x, out);
        float[] xs = data(x);
        float[] ys = data(out);
        int n = x.size();
        if (inline(n)) {
            ElementwiseKernels.unary(op, a, b, xs, ys, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> ElementwiseKernels.unary(op, a, b, xs, ys, lo, hi));
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor x, Tensor y, Tensor out) {
        Checks.Broadcast mode = Checks.binary(op, x, y, out);
        float[] xs = data(x);
        float[] ys = data(y);
        float[] os = data(out);
        int rows = x.rows();
        int cols = x.cols();
        int n = x.size();
        boolean inline = inline(n);
        if (mode == Checks.Broadcast.FULL) {
            if (inline) {
                ElementwiseKernels.binary(op, xs, ys, 0, os, 0, n);
            } else {
                Parallel.forRanges(n, n, (lo, hi) -> ElementwiseKernels.binary(op, xs, ys, lo, os, lo, hi - lo));
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
    public void reduce(ReduceOp op, int axis, Tensor x, Tensor out) {
        Checks.reduce(op, axis, x, out);
        int rows = x.rows();
        int cols = x.cols();
        float[] xs = data(x);
        float[] os = data(out);
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
    public void activationForward(Activation act, float p, Tensor x, Tensor y) {
        Checks.activationForward(act, x, y);
        float[] xs = data(x);
        float[] ys = data(y);
        int n = x.size();
        if (inline(n)) {
            ActivationKernels.forward(act, p, xs, ys, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> ActivationKernels.forward(act, p, xs, ys, lo, hi));
        }
    }

    @Override
    public void activationBackward(Activation act, float p, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        Checks.activationBackward(act, x, y, dy, dx);
        float[] xs = data(x);
        float[] ys = data(y);
        float[] dys = data(dy);
        float[] dxs = data(dx);
        int n = x.size();
        if (inline(n)) {
            ActivationKernels.backward(act, p, xs, ys, dys, dxs, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> ActivationKernels.backward(act, p, xs, ys, dys, dxs, lo, hi));
        }
    }

    @Override
    public void preluForward(Tensor x, Tensor alpha, Tensor y) {
        Checks.preluForward(x, alpha, y);
        float[] xs = data(x);
        float[] as = data(alpha);
        float[] ys = data(y);
        int rows = x.rows();
        int cols = x.cols();
        if (inline(x.size())) {
            PreluKernels.forward(xs, as, ys, cols, 0, rows);
        } else {
            Parallel.forRanges(rows, x.size(), (lo, hi) -> PreluKernels.forward(xs, as, ys, cols, lo, hi));
        }
    }

    @Override
    public void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dalpha, boolean accumulate) {
        Checks.preluBackward(x, alpha, dy, dx, dalpha);
        float[] xs = data(x);
        float[] as = data(alpha);
        float[] dys = data(dy);
        float[] dxs = data(dx);
        float[] das = data(dalpha);
        int rows = x.rows();
        int cols = x.cols();
        if (inline(x.size())) {
            PreluKernels.backward(xs, as, dys, dxs, das, accumulate, rows, cols, 0, cols);
        } else {
            Parallel.forRanges(cols, x.size(),
                    (lo, hi) -> PreluKernels.backward(xs, as, dys, dxs, das, accumulate, rows, cols, lo, hi));
        }
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        Checks.softmax(x, y);
        float[] xs = data(x);
        float[] ys = data(y);
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
    public void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor probs, Tensor loss) {
        boolean sparse = Checks.softmaxCrossEntropy(logits, labels, probs, loss);
        if (sparse) {
            checkClassIndices("softmaxCrossEntropy", logits.cols(), labels);
        }
        float[] xs = data(logits);
        float[] ls = data(labels);
        float[] ps = data(probs);
        float[] out = data(loss);
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
    public void softmaxCrossEntropyBackward(Tensor probs, Tensor labels, float scale, Tensor dlogits) {
        boolean sparse = Checks.softmaxCrossEntropyBackward(probs, labels, dlogits);
        if (sparse) {
            checkClassIndices("softmaxCrossEntropyBackward", probs.cols(), labels);
        }
        float[] ps = data(probs);
        float[] ls = data(labels);
        float[] ds = data(dlogits);
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
    private static void checkClassIndices(String op, int k, Tensor labels) {
        float[] ls = data(labels);
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
    public void dropoutMask(long seed, int stream, long step, float keep, Tensor mask) {
        Checks.dropoutMask(keep);
        float[] ms = data(mask);
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
    public void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, float eps, float momentum,
                               boolean unbiasedRunningVar, Tensor runningMean, Tensor runningVar,
                               Tensor y, Tensor mean, Tensor invStd) {
        int n = x.rows();
        int c = x.cols();
        Checks.batchNormTrain(x, gamma, beta, runningMean, runningVar, y, mean, invStd);
        if (unbiasedRunningVar && n < 2) {   // CUDA uses the biased variance instead (docs/cuda.md)
            throw new IllegalArgumentException("batchNormTrain: x " + x.describe() + " must have at least 2 rows for"
                    + " the unbiased running variance");
        }
        float[] xs = data(x);
        float[] gs = data(gamma);
        float[] bs = data(beta);
        float[] rm = data(runningMean);
        float[] rv = data(runningVar);
        float[] ys = data(y);
        float[] ms = data(mean);
        float[] is = data(invStd);
        if (inline(x.size())) {
            BatchNormKernels.train(xs, n, c, gs, bs, eps, momentum, unbiasedRunningVar, rm, rv, ys, ms, is, 0, c);
        } else {
            Parallel.forRanges(c, x.size(), (lo, hi) ->
                    BatchNormKernels.train(xs, n, c, gs, bs, eps, momentum, unbiasedRunningVar, rm, rv, ys, ms, is, lo, hi));
        }
    }

    @Override
    public void batchNormInfer(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps,
                               Tensor y) {
        Checks.batchNormInfer(x, gamma, beta, runningMean, runningVar, y);
        int c = x.cols();
        float[] rv = data(runningVar);
        float[] scale = Scratch.floats(c);   // the caller's scratch; workers only read it
        for (int j = 0; j < c; j++) {
            scale[j] = (float) (1 / Math.sqrt(rv[j] + (double) eps));
        }
        float[] xs = data(x);
        float[] gs = data(gamma);
        float[] bs = data(beta);
        float[] rm = data(runningMean);
        float[] ys = data(y);
        int rows = x.rows();
        if (inline(x.size())) {
            BatchNormKernels.infer(xs, c, gs, bs, rm, scale, ys, 0, rows);
        } else {
            Parallel.forRanges(rows, x.size(), (lo, hi) -> BatchNormKernels.infer(xs, c, gs, bs, rm, scale, ys, lo, hi));
        }
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor invStd, Tensor dy,
                                  Tensor dx, Tensor dgamma, Tensor dbeta, boolean accumulate) {
        Checks.batchNormBackward(x, gamma, mean, invStd, dy, dx, dgamma, dbeta);
        int n = x.rows();
        int c = x.cols();
        float[] xs = data(x);
        float[] gs = data(gamma);
        float[] ms = data(mean);
        float[] is = data(invStd);
        float[] dys = data(dy);
        float[] dxs = data(dx);
        float[] dgs = data(dgamma);
        float[] dbs = data(dbeta);
        if (inline(x.size())) {
            BatchNormKernels.backward(xs, n, c, gs, ms, is, dys, dxs, dgs, dbs, accumulate, 0, c);
        } else {
            Parallel.forRanges(c, x.size(), (lo, hi) ->
                    BatchNormKernels.backward(xs, n, c, gs, ms, is, dys, dxs, dgs, dbs, accumulate, lo, hi));
        }
    }

    // ---------------------------------------------------------------- optimizer

    @Override
    public void optimizerUpdate(OptimizerUpdate u, Tensor w, Tensor g, Tensor s1, Tensor s2) {
        Checks.optimizerUpdate(u, w, g, s1, s2);
        int states = u.stateCount();
        float[] ws = data(w);
        float[] gs = data(g);
        float[] a = states >= 1 ? data(s1) : null;
        float[] b = states >= 2 ? data(s2) : null;
        int n = w.size();
        if (inline(n)) {
            OptimizerKernels.update(u, ws, gs, a, b, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> OptimizerKernels.update(u, ws, gs, a, b, lo, hi));
        }
    }

    // ---------------------------------------------------------------- data movement

    @Override
    public void gatherRows(Tensor src, Tensor indices, Tensor out) {
        Checks.gatherRows(src, indices, out);
        int n = indices.rows();
        int cols = src.cols();
        float[] is = data(indices);
        for (int r = 0; r < n; r++) {
            float v = is[r];
            if (!(v >= 0 && v < src.rows() && v == (int) v)) {
                throw new IllegalArgumentException("gatherRows: index " + v + " in row " + r + " is not a row of src "
                        + src.describe());
            }
        }
        float[] ss = data(src);
        float[] os = data(out);
        for (int r = 0; r < n; r++) {
            System.arraycopy(ss, (int) is[r] * cols, os, r * cols, cols);
        }
    }

    @Override
    public void fill(Tensor t, float value) {
        Arrays.fill(data(t), value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        Checks.copy(src, dst);
        System.arraycopy(data(src), 0, data(dst), 0, src.size());
    }

    // ---------------------------------------------------------------- convolution and pooling

    @Override
    public void conv2dForward(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Tensor y) {
        ConvChecks.conv2dForward(g, x, w, bias, y);
        int n = x.rows();
        int f = w.rows();
        int k = g.patchSize();
        int plane = g.outputPlane();
        int chunk = ConvKernels.chunkImages(g, n);
        float[] cols = ConvKernels.work(0, (long) k * chunk * plane);
        float[] out = ConvKernels.work(1, (long) f * chunk * plane);
        float[] xs = data(x);
        float[] ws = data(w);
        float[] bs = bias == null ? null : data(bias);
        float[] ys = data(y);
        for (int i0 = 0; i0 < n; i0 += chunk) {
            int nb = Math.min(chunk, n - i0);
            ConvKernels.im2col(g, xs, i0, nb, cols);
            gemm.sgemm(false, false, f, nb * plane, k, 1f, ws, cols, 0f, out);
            ConvKernels.scatterOutput(out, bs, f, plane, i0, nb, ys);
        }
    }

    @Override
    public void conv2dBackward(ConvGeometry g, Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias,
                               boolean accumulate) {
        ConvChecks.conv2dBackward(g, x, w, dy, dx, dw, dbias);
        int n = x.rows();
        int f = w.rows();
        int k = g.patchSize();
        int plane = g.outputPlane();
        int chunk = ConvKernels.chunkImages(g, n);
        float[] cols = dw == null && dx == null ? null : ConvKernels.work(0, (long) k * chunk * plane);
        float[] dyT = ConvKernels.work(1, (long) f * chunk * plane);
        float[] xs = data(x);
        float[] ws = data(w);
        float[] dys = data(dy);
        float[] dws = dw == null ? null : data(dw);
        float[] dxs = dx == null ? null : data(dx);
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
            float[] db = data(dbias);
            for (int o = 0; o < f; o++) {
                db[o] = (float) (accumulate ? db[o] + sums[o] : sums[o]);
            }
        }
    }

    @Override
    public void maxPool2dForward(ConvGeometry g, Tensor x, Tensor y, Tensor argmax) {
        ConvChecks.pool2dForward("maxPool2dForward", g, x, y, argmax);
        float[] xs = data(x);
        float[] ys = data(y);
        float[] as = argmax == null ? null : data(argmax);
        int n = x.rows();
        if (inline(x.size())) {
            PoolKernels.maxForward(g, xs, ys, as, 0, n);
        } else {
            Parallel.forRanges(n, x.size(), (lo, hi) -> PoolKernels.maxForward(g, xs, ys, as, lo, hi));
        }
    }

    @Override
    public void maxPool2dBackward(ConvGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        ConvChecks.maxPool2dBackward(g, dy, argmax, dx);
        float[] as = data(argmax);
        int plane = g.inputPlane();
        for (int i = 0; i < argmax.size(); i++) {
            float v = as[i];
            if (!(v >= 0 && v < plane && v == (int) v)) {
                throw new IllegalArgumentException("maxPool2dBackward: argmax " + v + " at " + i
                        + " is not a position in a " + g.height() + "x" + g.width() + " plane");
            }
        }
        float[] dys = data(dy);
        float[] dxs = data(dx);
        int n = dx.rows();
        if (inline(dx.size())) {
            PoolKernels.maxBackward(g, dys, as, dxs, 0, n);
        } else {
            Parallel.forRanges(n, dx.size(), (lo, hi) -> PoolKernels.maxBackward(g, dys, as, dxs, lo, hi));
        }
    }

    @Override
    public void avgPool2dForward(ConvGeometry g, Tensor x, Tensor y) {
        ConvChecks.pool2dForward("avgPool2dForward", g, x, y, null);
        float[] xs = data(x);
        float[] ys = data(y);
        int n = x.rows();
        if (inline(x.size())) {
            PoolKernels.avgForward(g, xs, ys, 0, n);
        } else {
            Parallel.forRanges(n, x.size(), (lo, hi) -> PoolKernels.avgForward(g, xs, ys, lo, hi));
        }
    }

    @Override
    public void avgPool2dBackward(ConvGeometry g, Tensor dy, Tensor dx) {
        ConvChecks.pool2dBackward("avgPool2dBackward", g, dy, null, dx);
        float[] dys = data(dy);
        float[] dxs = data(dx);
        int n = dx.rows();
        if (inline(dx.size())) {
            PoolKernels.avgBackward(g, dys, dxs, 0, n);
        } else {
            Parallel.forRanges(n, dx.size(), (lo, hi) -> PoolKernels.avgBackward(g, dys, dxs, lo, hi));
        }
    }

    @Override
    public void batchTranspose(Tensor x, int rows, int cols, Tensor out) {
        ConvChecks.batchTranspose(x, rows, cols, out);
        float[] xs = data(x);
        float[] os = data(out);
        int count = x.size() / (rows * cols);
        if (inline(x.size())) {
            PoolKernels.transpose(xs, rows, cols, os, 0, count);
        } else {
            Parallel.forRanges(count, x.size(), (lo, hi) -> PoolKernels.transpose(xs, rows, cols, os, lo, hi));
        }
    }

    /** Drops the pool's cached buffers; live tensors stay readable, new allocations are refused. */
    @Override
    public void close() {
        closed = true;
        pool.clear();
    }

    @Override
    public String toString() {
        return "CpuBackend[" + description() + "]";
    }
}
