package io.myelin.backend.cpu;

import io.myelin.backend.Activation;
import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
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
 * {@link GemmProviders}), and plain Java loops for everything else. This class validates shapes and
 * aliasing and delegates to the op-family kernels ({@code *Kernels}); semantics are those of the
 * {@link Backend} javadoc.
 *
 * <p>Threading: a loop touching at least {@link Parallel#GRAIN} elements is split across cores; a smaller
 * one runs inline through a direct call, so small ops create no lambdas or tasks (the
 * {@code if (Parallel.inline(..))} in every op is that fast path).
 *
 * <pre>{@code
 * try (Backend cpu = new CpuBackend(); Tensor x = Tensor.of(cpu, new float[] {1, -2}, 1, 2)) { ... }
 * }</pre>
 */
public final class CpuBackend implements Backend {
    /** Free buffers cached by the pool are capped at a quarter of the heap. */
    private static final long MAX_CACHED_BYTES = Runtime.getRuntime().maxMemory() / 4;

    private final Gemm gemm;
    private final BufferPool pool = new BufferPool(MAX_CACHED_BYTES);
    private volatile boolean closed;

    /** A CPU backend with the GEMM chosen by {@link GemmProviders#select()} ({@code -Dmyelin.cpu.gemm}). */
    public CpuBackend() {
        this(GemmProviders.select());
    }

    /** A CPU backend with the given GEMM provider (benchmarks and tests compare providers). */
    public CpuBackend(Gemm gemm) {
        this.gemm = gemm;
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

    @Override
    public String description() {
        String why = gemm.name().equals("native") ? null : GemmProviders.nativeUnavailableReason();
        return Parallel.cores() + " cores, Java " + Runtime.version().feature() + ", gemm=" + gemm.name() + " ("
                + gemm.description() + ")" + (why == null ? "" : "; native BLAS unavailable: " + why.split(";")[0]);
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
        if (src.length != dst.size()) {
            throw new IllegalArgumentException("upload: " + src.length + " values into " + dst.describe()
                    + " which holds " + dst.size());
        }
        System.arraycopy(src, 0, data(dst), 0, src.length);
    }

    @Override
    public void download(Tensor src, float[] dst) {
        if (dst.length != src.size()) {
            throw new IllegalArgumentException("download: " + src.describe() + " holds " + src.size()
                    + " values, destination array has " + dst.length);
        }
        System.arraycopy(data(src), 0, dst, 0, dst.length);
    }

    @Override
    public void synchronize() {
        // CPU ops complete before they return.
    }

    // ---------------------------------------------------------------- dense algebra

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: op(a) " + (transA ? "= a^T, a " : "= a ") + a.describe()
                    + ", op(b) " + (transB ? "= b^T, b " : "= b ") + b.describe() + ", c " + c.describe()
                    + ": need op(a) (m, k), op(b) (k, n), c (m, n)");
        }
        Checks.distinct2("gemm", null, "c", c, "a", a);
        Checks.distinct2("gemm", null, "c", c, "b", b);
        gemm.sgemm(transA, transB, m, n, k, alpha, data(a), data(b), beta, data(c));
    }

    @Override
    public void unary(UnaryOp op, float a, float b, Tensor x, Tensor out) {
        Checks.sameSize("unary", op, "x", x, "out", out);
        float[] xs = data(x);
        float[] ys = data(out);
        int n = x.size();
        if (Parallel.inline(n)) {
            ElementwiseKernels.unary(op, a, b, xs, ys, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> ElementwiseKernels.unary(op, a, b, xs, ys, lo, hi));
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor x, Tensor y, Tensor out) {
        Checks.sameShape("binary", op, "x", x, "out", out);
        float[] xs = data(x);
        float[] ys = data(y);
        float[] os = data(out);
        int rows = x.rows();
        int cols = x.cols();
        int n = x.size();
        boolean inline = Parallel.inline(n);
        if (y.sameShape(x)) {
            if (inline) {
                ElementwiseKernels.binary(op, xs, ys, 0, os, 0, n);
            } else {
                Parallel.forRanges(n, n, (lo, hi) -> ElementwiseKernels.binary(op, xs, ys, lo, os, lo, hi - lo));
            }
        } else if (y.rows() == 1 && y.cols() == cols) {
            if (inline) {
                ElementwiseKernels.binaryRowBroadcast(op, xs, ys, os, cols, 0, rows);
            } else {
                Parallel.forRanges(rows, n, (lo, hi) -> ElementwiseKernels.binaryRowBroadcast(op, xs, ys, os, cols, lo, hi));
            }
        } else if (y.rows() == rows && y.cols() == 1) {
            if (inline) {
                ElementwiseKernels.binaryColBroadcast(op, xs, ys, os, cols, 0, rows);
            } else {
                Parallel.forRanges(rows, n, (lo, hi) -> ElementwiseKernels.binaryColBroadcast(op, xs, ys, os, cols, lo, hi));
            }
        } else {
            throw new IllegalArgumentException("binary " + op + ": y " + y.describe() + " must be " + x.describe()
                    + ", (1, " + cols + ") or (" + rows + ", 1) to combine with x " + x.describe());
        }
    }

    @Override
    public void reduce(ReduceOp op, int axis, Tensor x, Tensor out) {
        int rows = x.rows();
        int cols = x.cols();
        if (axis == 0) {
            Checks.shape("reduce axis 0", op, "out", out, 1, cols);
        } else if (axis == 1) {
            Checks.shape("reduce axis 1", op, "out", out, rows, 1);
        } else {
            throw new IllegalArgumentException("reduce " + op + ": axis must be 0 (collapse rows) or 1 (collapse"
                    + " columns), got " + axis + " for x " + x.describe());
        }
        Checks.distinct2("reduce", op, "x", x, "out", out);
        float[] xs = data(x);
        float[] os = data(out);
        int n = x.size();
        boolean inline = Parallel.inline(n);
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
        Checks.sameSize("activationForward", act, "x", x, "y", y);
        float[] xs = data(x);
        float[] ys = data(y);
        int n = x.size();
        if (Parallel.inline(n)) {
            ActivationKernels.forward(act, p, xs, ys, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> ActivationKernels.forward(act, p, xs, ys, lo, hi));
        }
    }

    @Override
    public void activationBackward(Activation act, float p, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        Checks.sameSize("activationBackward", act, "x", x, "y", y);
        Checks.sameSize("activationBackward", act, "x", x, "dy", dy);
        Checks.sameSize("activationBackward", act, "x", x, "dx", dx);
        float[] xs = data(x);
        float[] ys = data(y);
        float[] dys = data(dy);
        float[] dxs = data(dx);
        int n = x.size();
        if (Parallel.inline(n)) {
            ActivationKernels.backward(act, p, xs, ys, dys, dxs, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> ActivationKernels.backward(act, p, xs, ys, dys, dxs, lo, hi));
        }
    }

    @Override
    public void preluForward(Tensor x, Tensor alpha, Tensor y) {
        Checks.shape("preluForward", null, "alpha", alpha, 1, x.cols());
        Checks.sameShape("preluForward", null, "x", x, "y", y);
        float[] xs = data(x);
        float[] as = data(alpha);
        float[] ys = data(y);
        int rows = x.rows();
        int cols = x.cols();
        if (Parallel.inline(x.size())) {
            PreluKernels.forward(xs, as, ys, cols, 0, rows);
        } else {
            Parallel.forRanges(rows, x.size(), (lo, hi) -> PreluKernels.forward(xs, as, ys, cols, lo, hi));
        }
    }

    @Override
    public void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dalpha, boolean accumulate) {
        String op = "preluBackward";
        Checks.shape(op, null, "alpha", alpha, 1, x.cols());
        Checks.shape(op, null, "dalpha", dalpha, 1, x.cols());
        Checks.sameShape(op, null, "x", x, "dy", dy);
        Checks.sameShape(op, null, "x", x, "dx", dx);
        Checks.distinct(op, null, "dalpha, x, alpha, dy", dalpha, x, alpha, dy);
        Checks.distinct(op, null, "dx, x, alpha, dalpha", dx, x, alpha, dalpha);
        float[] xs = data(x);
        float[] as = data(alpha);
        float[] dys = data(dy);
        float[] dxs = data(dx);
        float[] das = data(dalpha);
        int rows = x.rows();
        int cols = x.cols();
        if (Parallel.inline(x.size())) {
            PreluKernels.backward(xs, as, dys, dxs, das, accumulate, rows, cols, 0, cols);
        } else {
            Parallel.forRanges(cols, x.size(),
                    (lo, hi) -> PreluKernels.backward(xs, as, dys, dxs, das, accumulate, rows, cols, lo, hi));
        }
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        Checks.sameShape("softmax", null, "x", x, "y", y);
        Checks.distinct2("softmax", null, "x", x, "y", y);
        float[] xs = data(x);
        float[] ys = data(y);
        int rows = x.rows();
        int k = x.cols();
        if (Parallel.inline(x.size())) {
            SoftmaxKernels.softmax(xs, ys, k, 0, rows);
        } else {
            Parallel.forRanges(rows, x.size(), (lo, hi) -> SoftmaxKernels.softmax(xs, ys, k, lo, hi));
        }
    }

    // ---------------------------------------------------------------- fused softmax + cross-entropy

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor probs, Tensor loss) {
        String op = "softmaxCrossEntropy";
        boolean sparse = labelsAreSparse(op, logits, labels);
        Checks.sameShape(op, null, "logits", logits, "probs", probs);
        Checks.shape(op, null, "loss", loss, logits.rows(), 1);
        Checks.distinct(op, null, "logits, labels, probs, loss", logits, labels, probs, loss);
        float[] xs = data(logits);
        float[] ls = data(labels);
        float[] ps = data(probs);
        float[] out = data(loss);
        int rows = logits.rows();
        int k = logits.cols();
        if (Parallel.inline(logits.size())) {
            SoftmaxKernels.crossEntropy(xs, ls, sparse, ps, out, k, 0, rows);
        } else {
            Parallel.forRanges(rows, logits.size(),
                    (lo, hi) -> SoftmaxKernels.crossEntropy(xs, ls, sparse, ps, out, k, lo, hi));
        }
    }

    @Override
    public void softmaxCrossEntropyBackward(Tensor probs, Tensor labels, float scale, Tensor dlogits) {
        String op = "softmaxCrossEntropyBackward";
        boolean sparse = labelsAreSparse(op, probs, labels);
        Checks.sameShape(op, null, "probs", probs, "dlogits", dlogits);
        Checks.distinct(op, null, "probs, labels, dlogits", probs, labels, dlogits);
        float[] ps = data(probs);
        float[] ls = data(labels);
        float[] ds = data(dlogits);
        int rows = probs.rows();
        int k = probs.cols();
        if (Parallel.inline(probs.size())) {
            SoftmaxKernels.crossEntropyBackward(ps, ls, sparse, scale, ds, k, 0, rows);
        } else {
            Parallel.forRanges(rows, probs.size(),
                    (lo, hi) -> SoftmaxKernels.crossEntropyBackward(ps, ls, sparse, scale, ds, k, lo, hi));
        }
    }

    /**
     * Labels (n, k) are one-hot or soft (also when k = 1); labels (n, 1) with k > 1 hold class indices,
     * which must be whole numbers in [0, k).
     */
    private static boolean labelsAreSparse(String op, Tensor scores, Tensor labels) {
        int n = scores.rows();
        int k = scores.cols();
        if (labels.rows() == n && labels.cols() == k) {
            return false;
        }
        if (labels.rows() != n || labels.cols() != 1) {
            throw new IllegalArgumentException(op + ": labels " + labels.describe() + " must be (" + n + ", " + k
                    + ") one-hot/soft or (" + n + ", 1) class indices for scores " + scores.describe());
        }
        float[] ls = data(labels);
        for (int r = 0; r < n; r++) {
            float v = ls[r];
            if (!(v >= 0 && v < k && v == (int) v)) {
                throw new IllegalArgumentException(op + ": label " + v + " in row " + r
                        + " is not a class index in [0, " + k + ")");
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- dropout

    @Override
    public void dropoutMask(long seed, int stream, long step, float keep, Tensor mask) {
        Philox.keepThreshold(keep);   // validates keep before any work is split
        float[] ms = data(mask);
        int n = mask.size();
        if (Parallel.inline(n)) {
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
        String op = "batchNormTrain";
        int n = x.rows();
        int c = x.cols();
        Checks.sameShape(op, null, "x", x, "y", y);
        Checks.shape(op, null, "gamma", gamma, 1, c);
        Checks.shape(op, null, "beta", beta, 1, c);
        Checks.shape(op, null, "runningMean", runningMean, 1, c);
        Checks.shape(op, null, "runningVar", runningVar, 1, c);
        Checks.shape(op, null, "mean", mean, 1, c);
        Checks.shape(op, null, "invStd", invStd, 1, c);
        Checks.distinct(op, null, "x, gamma, beta, runningMean, runningVar, y, mean, invStd",
                x, gamma, beta, runningMean, runningVar, y, mean, invStd);
        if (unbiasedRunningVar && n < 2) {
            throw new IllegalArgumentException(op + ": the unbiased running variance needs a batch of at least 2"
                    + " rows, x is " + x.describe());
        }
        float[] xs = data(x);
        float[] gs = data(gamma);
        float[] bs = data(beta);
        float[] rm = data(runningMean);
        float[] rv = data(runningVar);
        float[] ys = data(y);
        float[] ms = data(mean);
        float[] is = data(invStd);
        if (Parallel.inline(x.size())) {
            BatchNormKernels.train(xs, n, c, gs, bs, eps, momentum, unbiasedRunningVar, rm, rv, ys, ms, is, 0, c);
        } else {
            Parallel.forRanges(c, x.size(), (lo, hi) ->
                    BatchNormKernels.train(xs, n, c, gs, bs, eps, momentum, unbiasedRunningVar, rm, rv, ys, ms, is, lo, hi));
        }
    }

    @Override
    public void batchNormInfer(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps,
                               Tensor y) {
        String op = "batchNormInfer";
        int c = x.cols();
        Checks.sameShape(op, null, "x", x, "y", y);
        Checks.shape(op, null, "gamma", gamma, 1, c);
        Checks.shape(op, null, "beta", beta, 1, c);
        Checks.shape(op, null, "runningMean", runningMean, 1, c);
        Checks.shape(op, null, "runningVar", runningVar, 1, c);
        Checks.distinct(op, null, "y, gamma, beta, runningMean, runningVar", y, gamma, beta, runningMean, runningVar);
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
        if (Parallel.inline(x.size())) {
            BatchNormKernels.infer(xs, c, gs, bs, rm, scale, ys, 0, rows);
        } else {
            Parallel.forRanges(rows, x.size(), (lo, hi) -> BatchNormKernels.infer(xs, c, gs, bs, rm, scale, ys, lo, hi));
        }
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor invStd, Tensor dy,
                                  Tensor dx, Tensor dgamma, Tensor dbeta, boolean accumulate) {
        String op = "batchNormBackward";
        int n = x.rows();
        int c = x.cols();
        Checks.sameShape(op, null, "x", x, "dy", dy);
        Checks.sameShape(op, null, "x", x, "dx", dx);
        Checks.shape(op, null, "gamma", gamma, 1, c);
        Checks.shape(op, null, "mean", mean, 1, c);
        Checks.shape(op, null, "invStd", invStd, 1, c);
        Checks.shape(op, null, "dgamma", dgamma, 1, c);
        Checks.shape(op, null, "dbeta", dbeta, 1, c);
        Checks.distinct(op, null, "x, gamma, mean, invStd, dy, dx, dgamma, dbeta",
                x, gamma, mean, invStd, dy, dx, dgamma, dbeta);
        float[] xs = data(x);
        float[] gs = data(gamma);
        float[] ms = data(mean);
        float[] is = data(invStd);
        float[] dys = data(dy);
        float[] dxs = data(dx);
        float[] dgs = data(dgamma);
        float[] dbs = data(dbeta);
        if (Parallel.inline(x.size())) {
            BatchNormKernels.backward(xs, n, c, gs, ms, is, dys, dxs, dgs, dbs, accumulate, 0, c);
        } else {
            Parallel.forRanges(c, x.size(), (lo, hi) ->
                    BatchNormKernels.backward(xs, n, c, gs, ms, is, dys, dxs, dgs, dbs, accumulate, lo, hi));
        }
    }

    // ---------------------------------------------------------------- optimizer

    @Override
    public void optimizerUpdate(OptimizerUpdate u, Tensor w, Tensor g, Tensor s1, Tensor s2) {
        String op = "optimizerUpdate";
        Checks.sameShape(op, u.kind(), "w", w, "g", g);
        int states = u.stateCount();
        if (states >= 1) {
            requireState(u, "s1", w, s1);
        }
        if (states >= 2) {
            requireState(u, "s2", w, s2);
        }
        if (u.step() < 1) {
            throw new IllegalArgumentException(op + " " + u.kind() + ": step must be >= 1 (1-based), got " + u.step());
        }
        Checks.distinct(op, u.kind(), "w, g, s1, s2", w, g, states >= 1 ? s1 : null, states >= 2 ? s2 : null);
        float[] ws = data(w);
        float[] gs = data(g);
        float[] a = states >= 1 ? data(s1) : null;
        float[] b = states >= 2 ? data(s2) : null;
        int n = w.size();
        if (Parallel.inline(n)) {
            OptimizerKernels.update(u, ws, gs, a, b, 0, n);
        } else {
            Parallel.forRanges(n, n, (lo, hi) -> OptimizerKernels.update(u, ws, gs, a, b, lo, hi));
        }
    }

    private static void requireState(OptimizerUpdate u, String name, Tensor w, Tensor s) {
        if (s == null) {
            throw new IllegalArgumentException("optimizerUpdate " + u.kind() + ": needs state tensor " + name
                    + " shaped like w " + w.describe());
        }
        Checks.sameShape("optimizerUpdate", u.kind(), "w", w, name, s);
    }

    // ---------------------------------------------------------------- data movement

    @Override
    public void gatherRows(Tensor src, Tensor indices, Tensor out) {
        String op = "gatherRows";
        int n = indices.rows();
        int cols = src.cols();
        Checks.shape(op, null, "indices", indices, n, 1);
        Checks.shape(op, null, "out", out, n, cols);
        Checks.distinct(op, null, "out, src, indices", out, src, indices);
        float[] is = data(indices);
        for (int r = 0; r < n; r++) {
            float v = is[r];
            if (!(v >= 0 && v < src.rows() && v == (int) v)) {
                throw new IllegalArgumentException(op + ": index " + v + " in row " + r + " is not a row of src "
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
        Checks.sameSize("copy", null, "src", src, "dst", dst);
        System.arraycopy(data(src), 0, data(dst), 0, src.size());
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
