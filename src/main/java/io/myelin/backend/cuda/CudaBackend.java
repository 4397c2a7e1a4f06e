package io.myelin.backend.cuda;

import io.myelin.backend.Activation;
import io.myelin.backend.Backend;
import io.myelin.backend.BackendUnavailableException;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.Checks;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.Storage;
import io.myelin.backend.UnaryOp;
import io.myelin.random.Philox;
import io.myelin.tensor.Tensor;
import jcuda.JCudaVersion;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA implementation of {@link Backend}: device 0's primary context and one stream
 * ({@link CudaContext}), a caching allocator ({@link CudaAllocator}), cuBLAS SGEMM ({@link Cublas}) and
 * Myelin's kernels ({@link KernelLauncher}, sources in {@code kernels/*.cu}). Every op only queues work
 * on the stream; {@link #download} and {@link #synchronize} wait. Semantics are those of the
 * {@link Backend} javadoc, with the CPU backend as the reference. Where a kernel cannot throw without a
 * host sync (a sparse label or gather index out of range) it writes NaN instead.
 *
 * <pre>{@code
 * try (Backend cuda = Backends.create("cuda")) { Tensor x = Tensor.of(cuda, new float[] {1, 2}, 1, 2); }
 * }</pre>
 */
public final class CudaBackend implements Backend {
    private final CudaContext ctx;
    private final CudaAllocator allocator;
    private final KernelLauncher kernels;
    private final Cublas blas;
    private final String description;
    private volatile boolean closed;

    /** Starts on device 0 with the cuBLAS plan from {@link CudaProbe}; use {@link CudaBackendProvider}. */
    CudaBackend(CublasLoader.Plan cublasPlan) {
        CudaContext c = CudaContext.open(0);
        CudaAllocator a = null;
        KernelLauncher k = null;
        Cublas b = null;
        try {
            a = new CudaAllocator(c::synchronize);
            k = new KernelLauncher(c.stream());
            b = Cublas.create(c.stream(), cublasPlan);
            description = "CUDA " + c.describeDevice() + ", " + b.description() + ", JCuda " + JCudaVersion.get();
        } catch (RuntimeException | LinkageError e) {
            if (k != null) {
                k.close();
            }
            if (a != null) {
                a.close();
            }
            c.close();
            throw new BackendUnavailableException("backend 'cuda' failed to start: " + e, e);
        }
        ctx = c;
        allocator = a;
        kernels = k;
        blas = b;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return description;
    }

    // ---------------------------------------------------------------- plumbing

    /** Every public entry: refuse after close, bind the context to this thread. */
    private void enter() {
        if (closed) {
            throw new IllegalStateException("cuda backend is closed");
        }
        ctx.makeCurrent();
    }

    private CudaStorage dev(String op, String name, Tensor t) {
        Storage s = t.storage();
        if (!(s instanceof CudaStorage cs) || cs.owner() != allocator) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " belongs to backend "
                    + t.backend().name() + ", not to this cuda backend");
        }
        return cs;
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Storage allocate(long n) {
        enter();
        return allocator.allocate(n);
    }

    @Override
    public void release(Storage storage) {
        if (closed) {
            return;  // close() already freed every block
        }
        if (!(storage instanceof CudaStorage cs)) {
            throw new IllegalArgumentException("release: " + storage + " does not belong to the cuda backend");
        }
        allocator.release(cs);
    }

    @Override
    public long liveBytes() {
        return allocator.liveBytes();
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        enter();
        if (src.length != dst.size()) {
            throw new IllegalArgumentException("upload: " + src.length + " values for " + dst.describe() + " ("
                    + dst.size() + " elements)");
        }
        // pageable source: the driver stages it before returning, so src may change afterwards
        JCudaDriver.cuMemcpyHtoDAsync(dev("upload", "dst", dst).pointer(), Pointer.to(src),
                (long) src.length * Float.BYTES, ctx.stream());
    }

    @Override
    public void download(Tensor src, float[] dst) {
        enter();
        if (dst.length != src.size()) {
            throw new IllegalArgumentException("download: " + src.describe() + " (" + src.size()
                    + " elements) into " + dst.length + " values");
        }
        JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(dst), dev("download", "src", src).pointer(),
                (long) dst.length * Float.BYTES, ctx.stream());
        JCudaDriver.cuStreamSynchronize(ctx.stream());
    }

    @Override
    public void synchronize() {
        enter();
        ctx.synchronize();
    }

    // ---------------------------------------------------------------- dense algebra

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        enter();
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb) {
            throw new IllegalArgumentException("gemm: inner dimensions differ: op(a) is (" + m + ", " + k + ") from a "
                    + a.describe() + (transA ? " transposed" : "") + ", op(b) is (" + kb + ", " + n + ") from b "
                    + b.describe() + (transB ? " transposed" : ""));
        }
        Checks.shape("gemm", "c", c, m, n);
        Checks.noAlias("gemm", "c", c, "a", a, "b", b);
        blas.sgemm(transA, transB, m, n, k, alpha, dev("gemm", "a", a).pointer(), a.cols(),
                dev("gemm", "b", b).pointer(), b.cols(), beta, dev("gemm", "c", c).pointer());
    }

    @Override
    public void unary(UnaryOp op, float a, float b, Tensor x, Tensor out) {
        enter();
        Checks.sameSize("unary " + op, "x", x, "out", out);
        int n = x.size();
        kernels.elementwise(KernelCatalog.unary(op), n,
                new KernelArgs().ptr(dev("unary", "x", x)).ptr(dev("unary", "out", out)).i(n).f(a).f(b));
    }

    @Override
    public void binary(BinaryOp op, Tensor x, Tensor y, Tensor out) {
        enter();
        String name = "binary " + op;
        Checks.Broadcast mode = Checks.broadcast(name, x, y);
        Checks.sameShape(name, "x", x, "out", out);
        kernels.elementwise(KernelCatalog.binary(op), x.size(), new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "y", y)).ptr(dev(name, "out", out)).i(x.rows()).i(x.cols()).i(mode.ordinal()));
    }

    @Override
    public void reduce(ReduceOp op, int axis, Tensor x, Tensor out) {
        enter();
        String name = "reduce " + op;
        Checks.reduction(name, axis, x, out);
        KernelArgs args = new KernelArgs().ptr(dev(name, "x", x)).ptr(dev(name, "out", out)).i(x.rows()).i(x.cols());
        if (axis == 0) {
            kernels.columns(KernelCatalog.reduce(op, 0), x.cols(), args);
        } else {
            kernels.rows(KernelCatalog.reduce(op, 1), x.rows(), args);
        }
    }

    // ---------------------------------------------------------------- activations

    @Override
    public void activationForward(Activation act, float p, Tensor x, Tensor y) {
        enter();
        String name = "activationForward " + act;
        Checks.sameSize(name, "x", x, "y", y);
        int n = x.size();
        kernels.elementwise(KernelCatalog.activationForward(act), n,
                new KernelArgs().ptr(dev(name, "x", x)).ptr(dev(name, "y", y)).i(n).f(p));
    }

    @Override
    public void activationBackward(Activation act, float p, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        enter();
        String name = "activationBackward " + act;
        Checks.sameSize(name, "x", x, "y", y);
        Checks.sameSize(name, "x", x, "dy", dy);
        Checks.sameSize(name, "x", x, "dx", dx);
        int n = x.size();
        kernels.elementwise(KernelCatalog.activationBackward(act), n, new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "y", y)).ptr(dev(name, "dy", dy)).ptr(dev(name, "dx", dx)).i(n).f(p));
    }

    @Override
    public void preluForward(Tensor x, Tensor alpha, Tensor y) {
        enter();
        String name = "preluForward";
        Checks.shape(name, "alpha", alpha, 1, x.cols());
        Checks.sameShape(name, "x", x, "y", y);
        Checks.noAlias(name, "y", y, "alpha", alpha);
        kernels.elementwise(KernelCatalog.preluForward(), x.size(), new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "alpha", alpha)).ptr(dev(name, "y", y)).i(x.rows()).i(x.cols()));
    }

    @Override
    public void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dalpha, boolean accumulate) {
        enter();
        String name = "preluBackward";
        Checks.shape(name, "alpha", alpha, 1, x.cols());
        Checks.shape(name, "dalpha", dalpha, 1, x.cols());
        Checks.sameShape(name, "x", x, "dy", dy);
        Checks.sameShape(name, "x", x, "dx", dx);
        Checks.noAlias(name, "dx", dx, "x", x, "alpha", alpha);
        Checks.noAlias(name, "dalpha", dalpha, "x", x, "alpha", alpha, "dy", dy, "dx", dx);
        kernels.columns(KernelCatalog.preluBackward(), x.cols(), new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "alpha", alpha)).ptr(dev(name, "dy", dy)).ptr(dev(name, "dx", dx))
                .ptr(dev(name, "dalpha", dalpha)).i(x.rows()).i(x.cols()).flag(accumulate));
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        enter();
        Checks.sameShape("softmax", "x", x, "y", y);
        Checks.noAlias("softmax", "y", y, "x", x);
        kernels.rows(KernelCatalog.softmax(), x.rows(), new KernelArgs().ptr(dev("softmax", "x", x))
                .ptr(dev("softmax", "y", y)).i(x.rows()).i(x.cols()));
    }

    // ---------------------------------------------------------------- fused softmax + cross-entropy

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor probs, Tensor loss) {
        enter();
        String name = "softmaxCrossEntropy";
        boolean sparse = Checks.sparseLabels(name, logits, labels);
        Checks.sameShape(name, "logits", logits, "probs", probs);
        Checks.shape(name, "loss", loss, logits.rows(), 1);
        Checks.noAlias(name, "probs", probs, "logits", logits, "labels", labels);
        Checks.noAlias(name, "loss", loss, "logits", logits, "labels", labels, "probs", probs);
        kernels.rows(KernelCatalog.softmaxCrossEntropy(sparse), logits.rows(), new KernelArgs()
                .ptr(dev(name, "logits", logits)).ptr(dev(name, "labels", labels)).ptr(dev(name, "probs", probs))
                .ptr(dev(name, "loss", loss)).i(logits.rows()).i(logits.cols()));
    }

    @Override
    public void softmaxCrossEntropyBackward(Tensor probs, Tensor labels, float scale, Tensor dlogits) {
        enter();
        String name = "softmaxCrossEntropyBackward";
        boolean sparse = Checks.sparseLabels(name, probs, labels);
        Checks.sameShape(name, "probs", probs, "dlogits", dlogits);
        Checks.noAlias(name, "dlogits", dlogits, "probs", probs, "labels", labels);
        KernelArgs args = new KernelArgs().ptr(dev(name, "probs", probs)).ptr(dev(name, "labels", labels))
                .ptr(dev(name, "dlogits", dlogits));
        if (sparse) {
            args.i(probs.rows()).i(probs.cols());
        } else {
            args.i(probs.size());
        }
        kernels.elementwise(KernelCatalog.softmaxCrossEntropyBackward(sparse), probs.size(), args.f(scale));
    }

    // ---------------------------------------------------------------- dropout

    @Override
    public void dropoutMask(long seed, int stream, long step, float keep, Tensor mask) {
        enter();
        long threshold = Philox.keepThreshold(keep);
        int n = mask.size();
        long blocks = (n + 3L) / 4;
        kernels.elementwise(KernelCatalog.dropoutMask(), blocks, new KernelArgs().ptr(dev("dropoutMask", "mask", mask))
                .i(n).i((int) seed).i((int) (seed >>> 32)).i(stream).i((int) step).i((int) (step >>> 32))
                .u64(threshold).f(1f / keep));
    }

    // ---------------------------------------------------------------- batch normalization

    @Override
    public void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, float eps, float momentum,
                               boolean unbiasedRunningVar, Tensor runningMean, Tensor runningVar,
                               Tensor y, Tensor mean, Tensor invStd) {
        enter();
        String name = "batchNormTrain";
        int c = x.cols();
        Checks.shape(name, "gamma", gamma, 1, c);
        Checks.shape(name, "beta", beta, 1, c);
        Checks.shape(name, "runningMean", runningMean, 1, c);
        Checks.shape(name, "runningVar", runningVar, 1, c);
        Checks.shape(name, "mean", mean, 1, c);
        Checks.shape(name, "invStd", invStd, 1, c);
        Checks.sameShape(name, "x", x, "y", y);
        Object[] inputs = {"x", x, "gamma", gamma, "beta", beta};
        Checks.noAlias(name, "y", y, inputs);
        Checks.noAlias(name, "mean", mean, inputs);
        Checks.noAlias(name, "invStd", invStd, inputs);
        Checks.noAlias(name, "runningMean", runningMean, inputs);
        Checks.noAlias(name, "runningVar", runningVar, inputs);
        Checks.noAlias(name, "mean", mean, "invStd", invStd, "runningMean", runningMean, "runningVar", runningVar);
        Checks.noAlias(name, "invStd", invStd, "runningMean", runningMean, "runningVar", runningVar);
        Checks.noAlias(name, "runningMean", runningMean, "runningVar", runningVar);
        kernels.columns(KernelCatalog.batchNormTrain(), c, new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "gamma", gamma)).ptr(dev(name, "beta", beta))
                .ptr(dev(name, "runningMean", runningMean)).ptr(dev(name, "runningVar", runningVar))
                .ptr(dev(name, "y", y)).ptr(dev(name, "mean", mean)).ptr(dev(name, "invStd", invStd))
                .i(x.rows()).i(c).f(eps).f(momentum).flag(unbiasedRunningVar));
    }

    @Override
    public void batchNormInfer(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps,
                               Tensor y) {
        enter();
        String name = "batchNormInfer";
        int c = x.cols();
        Checks.shape(name, "gamma", gamma, 1, c);
        Checks.shape(name, "beta", beta, 1, c);
        Checks.shape(name, "runningMean", runningMean, 1, c);
        Checks.shape(name, "runningVar", runningVar, 1, c);
        Checks.sameShape(name, "x", x, "y", y);
        Checks.noAlias(name, "y", y, "gamma", gamma, "beta", beta, "runningMean", runningMean,
                "runningVar", runningVar);
        kernels.elementwise(KernelCatalog.batchNormInfer(), x.size(), new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "gamma", gamma)).ptr(dev(name, "beta", beta))
                .ptr(dev(name, "runningMean", runningMean)).ptr(dev(name, "runningVar", runningVar))
                .ptr(dev(name, "y", y)).i(x.rows()).i(c).f(eps));
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor invStd, Tensor dy,
                                  Tensor dx, Tensor dgamma, Tensor dbeta, boolean accumulate) {
        enter();
        String name = "batchNormBackward";
        int c = x.cols();
        Checks.shape(name, "gamma", gamma, 1, c);
        Checks.shape(name, "mean", mean, 1, c);
        Checks.shape(name, "invStd", invStd, 1, c);
        Checks.shape(name, "dgamma", dgamma, 1, c);
        Checks.shape(name, "dbeta", dbeta, 1, c);
        Checks.sameShape(name, "x", x, "dy", dy);
        Checks.sameShape(name, "x", x, "dx", dx);
        Object[] inputs = {"x", x, "gamma", gamma, "mean", mean, "invStd", invStd, "dy", dy};
        Checks.noAlias(name, "dx", dx, inputs);
        Checks.noAlias(name, "dgamma", dgamma, inputs);
        Checks.noAlias(name, "dbeta", dbeta, inputs);
        Checks.noAlias(name, "dgamma", dgamma, "dx", dx, "dbeta", dbeta);
        Checks.noAlias(name, "dbeta", dbeta, "dx", dx);
        kernels.columns(KernelCatalog.batchNormBackward(), c, new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "gamma", gamma)).ptr(dev(name, "mean", mean)).ptr(dev(name, "invStd", invStd))
                .ptr(dev(name, "dy", dy)).ptr(dev(name, "dx", dx)).ptr(dev(name, "dgamma", dgamma))
                .ptr(dev(name, "dbeta", dbeta)).i(x.rows()).i(c).flag(accumulate));
    }

    // ---------------------------------------------------------------- optimizer

    @Override
    public void optimizerUpdate(OptimizerUpdate u, Tensor w, Tensor g, Tensor s1, Tensor s2) {
        enter();
        String name = "optimizerUpdate " + u.kind();
        Checks.sameShape(name, "w", w, "g", g);
        Checks.noAlias(name, "w", w, "g", g);
        int states = u.stateCount();
        CudaStorage state1 = states >= 1 ? state(name, "s1", s1, w, g) : null;
        CudaStorage state2 = states >= 2 ? state(name, "s2", s2, w, g) : null;
        if (states >= 2) {
            Checks.noAlias(name, "s2", s2, "s1", s1);
        }
        int n = w.size();
        kernels.elementwise(KernelCatalog.optimizer(u.kind()), n, new KernelArgs().ptr(dev(name, "w", w))
                .ptr(dev(name, "g", g)).ptrOrNull(state1).ptrOrNull(state2).i(n).f(u.lr()).f(u.momentum())
                .f(u.beta1()).f(u.beta2()).f(u.rho()).f(u.eps()).f(u.l1()).f(u.l2()).f(u.weightDecay())
                .f(u.gradScale()).flag(u.ewa()).f(u.biasCorrection1()).f(u.biasCorrection2()));
    }

    private CudaStorage state(String op, String name, Tensor s, Tensor w, Tensor g) {
        if (s == null) {
            throw new IllegalArgumentException(op + ": state " + name + " is required (null given)");
        }
        Checks.sameShape(op, "w", w, name, s);
        Checks.noAlias(op, name, s, "w", w, "g", g);
        return dev(op, name, s);
    }

    // ---------------------------------------------------------------- data movement

    @Override
    public void gatherRows(Tensor src, Tensor indices, Tensor out) {
        enter();
        String name = "gatherRows";
        Checks.shape(name, "indices", indices, out.rows(), 1);
        Checks.shape(name, "out", out, out.rows(), src.cols());
        Checks.noAlias(name, "out", out, "src", src, "indices", indices);
        kernels.elementwise(KernelCatalog.gatherRows(), out.size(), new KernelArgs().ptr(dev(name, "src", src))
                .ptr(dev(name, "indices", indices)).ptr(dev(name, "out", out)).i(out.rows()).i(src.cols())
                .i(src.rows()));
    }

    @Override
    public void fill(Tensor t, float value) {
        enter();
        JCudaDriver.cuMemsetD32Async(dev("fill", "t", t).pointer(), Float.floatToRawIntBits(value), t.size(),
                ctx.stream());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        enter();
        Checks.sameSize("copy", "src", src, "dst", dst);
        CudaStorage s = dev("copy", "src", src);
        CudaStorage d = dev("copy", "dst", dst);
        if (s != d) {
            JCudaDriver.cuMemcpyDtoDAsync(d.pointer(), s.pointer(), (long) src.size() * Float.BYTES, ctx.stream());
        }
    }

    /** Bytes the allocator keeps cached for reuse (not counted in {@link #liveBytes()}). */
    public long cachedBytes() {
        return allocator.cachedBytes();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        ctx.makeCurrent();
        try {
            ctx.synchronize();
            blas.close();
            kernels.close();
            allocator.close();
        } finally {
            closed = true;
            ctx.close();
        }
    }

    @Override
    public String toString() {
        return "CudaBackend[" + description + "]";
    }
}
