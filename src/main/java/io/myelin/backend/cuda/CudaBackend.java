package io.myelin.backend.cuda;

import io.myelin.backend.Activation;
import io.myelin.backend.Backend;
import io.myelin.backend.BackendUnavailableException;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.Capabilities;
import io.myelin.backend.Checks;
import io.myelin.backend.ConvChecks;
import io.myelin.backend.ConvGeometry;
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
 * host sync (a sparse label or gather index out of range) it writes NaN instead. On the CUDA emulator
 * (docs/cuda.md) the same code runs; {@link #description()} and {@link #capabilities()} then say "emulated".
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
    private final Capabilities capabilities;
    private final PinnedStaging staging = new PinnedStaging();
    private volatile boolean closed;

    /**
     * Starts on device 0 with the cuBLAS plan from {@link CudaProbe}; use {@link CudaBackendProvider}.
     *
     * @param emulated whether the driver is the CUDA emulator (said in the description and capabilities)
     */
    CudaBackend(CublasLoader.Plan cublasPlan, boolean emulated) {
        CudaContext c = CudaContext.open(0);
        CudaAllocator a = null;
        KernelLauncher k = null;
        Cublas b = null;
        try {
            a = new CudaAllocator(c::synchronize);
            k = new KernelLauncher(c.stream());
            b = Cublas.create(c.stream(), cublasPlan);
            description = (emulated ? "CUDA emulated on the CPU (a test harness): " : "CUDA ") + c.describeDevice()
                    + ", " + b.description() + ", JCuda " + JCudaVersion.get();
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
        capabilities = new Capabilities(true, emulated);
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

    /** Reads wait for the stream: the training loop reads only at progress ticks (DESIGN.md principle 6). */
    @Override
    public Capabilities capabilities() {
        return capabilities;
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
        Checks.upload(src, dst);
        // pageable source: the driver stages it before returning, so src may change afterwards
        JCudaDriver.cuMemcpyHtoDAsync(dev("upload", "dst", dst).pointer(), Pointer.to(src),
                (long) src.length * Float.BYTES, ctx.stream());
    }

    /**
     * Copies through a pinned staging buffer: the device writes it asynchronously, the stream is waited on
     * with no JVM array pinned, then the floats are copied into {@code dst} on the host. (A copy straight
     * into {@code dst} would hold JCuda's critical region on the Java array, stalling the garbage collector,
     * while the stream drains.) One synchronization per chunk of {@link PinnedStaging#MAX_BYTES}.
     */
    @Override
    public void download(Tensor src, float[] dst) {
        enter();
        Checks.download(src, dst);
        CudaStorage s = dev("download", "src", src);
        staging.download(s.pointer(), dst, ctx.stream());
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
        Checks.gemm(transA, transB, a, b, c);
        int k = transA ? a.rows() : a.cols();
        blas.sgemm(transA, transB, c.rows(), c.cols(), k, alpha, dev("gemm", "a", a).pointer(), a.cols(),
                dev("gemm", "b", b).pointer(), b.cols(), beta, dev("gemm", "c", c).pointer());
    }

    @Override
    public void unary(UnaryOp op, float a, float b, Tensor x, Tensor out) {
        enter();
        Checks.unary(op, x, out);
        int n = x.size();
        kernels.elementwise(KernelCatalog.unary(op), n,
                new KernelArgs().ptr(dev("unary", "x", x)).ptr(dev("unary", "out", out)).i(n).f(a).f(b));
    }

    @Override
    public void binary(BinaryOp op, Tensor x, Tensor y, Tensor out) {
        enter();
        String name = "binary " + op;
        Checks.Broadcast mode = Checks.binary(op, x, y, out);
        kernels.elementwise(KernelCatalog.binary(op), x.size(), new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "y", y)).ptr(dev(name, "out", out)).i(x.rows()).i(x.cols()).i(mode.ordinal()));
    }

    @Override
    public void reduce(ReduceOp op, int axis, Tensor x, Tensor out) {
        enter();
        String name = "reduce " + op;
        Checks.reduce(op, axis, x, out);
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
        Checks.activationForward(act, x, y);
        int n = x.size();
        kernels.elementwise(KernelCatalog.activationForward(act), n,
                new KernelArgs().ptr(dev(name, "x", x)).ptr(dev(name, "y", y)).i(n).f(p));
    }

    @Override
    public void activationBackward(Activation act, float p, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        enter();
        String name = "activationBackward " + act;
        Checks.activationBackward(act, x, y, dy, dx);
        int n = x.size();
        kernels.elementwise(KernelCatalog.activationBackward(act), n, new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "y", y)).ptr(dev(name, "dy", dy)).ptr(dev(name, "dx", dx)).i(n).f(p));
    }

    @Override
    public void preluForward(Tensor x, Tensor alpha, Tensor y) {
        enter();
        String name = "preluForward";
        Checks.preluForward(x, alpha, y);
        kernels.elementwise(KernelCatalog.preluForward(), x.size(), new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "alpha", alpha)).ptr(dev(name, "y", y)).i(x.rows()).i(x.cols()));
    }

    @Override
    public void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dalpha, boolean accumulate) {
        enter();
        String name = "preluBackward";
        Checks.preluBackward(x, alpha, dy, dx, dalpha);
        kernels.columns(KernelCatalog.preluBackward(), x.cols(), new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "alpha", alpha)).ptr(dev(name, "dy", dy)).ptr(dev(name, "dx", dx))
                .ptr(dev(name, "dalpha", dalpha)).i(x.rows()).i(x.cols()).flag(accumulate));
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        enter();
        Checks.softmax(x, y);
        kernels.rows(KernelCatalog.softmax(), x.rows(), new KernelArgs().ptr(dev("softmax", "x", x))
                .ptr(dev("softmax", "y", y)).i(x.rows()).i(x.cols()));
    }

    // ---------------------------------------------------------------- fused softmax + cross-entropy

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor probs, Tensor loss) {
        enter();
        String name = "softmaxCrossEntropy";
        boolean sparse = Checks.softmaxCrossEntropy(logits, labels, probs, loss);
        kernels.rows(KernelCatalog.softmaxCrossEntropy(sparse), logits.rows(), new KernelArgs()
                .ptr(dev(name, "logits", logits)).ptr(dev(name, "labels", labels)).ptr(dev(name, "probs", probs))
                .ptr(dev(name, "loss", loss)).i(logits.rows()).i(logits.cols()));
    }

    @Override
    public void softmaxCrossEntropyBackward(Tensor probs, Tensor labels, float scale, Tensor dlogits) {
        enter();
        String name = "softmaxCrossEntropyBackward";
        boolean sparse = Checks.softmaxCrossEntropyBackward(probs, labels, dlogits);
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
        Checks.dropoutMask(keep);
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
        Checks.batchNormTrain(x, gamma, beta, runningMean, runningVar, y, mean, invStd);
        int c = x.cols();
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
        Checks.batchNormInfer(x, gamma, beta, runningMean, runningVar, y);
        int c = x.cols();
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
        Checks.batchNormBackward(x, gamma, mean, invStd, dy, dx, dgamma, dbeta);
        int c = x.cols();
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
        Checks.optimizerUpdate(u, w, g, s1, s2);
        int states = u.stateCount();
        CudaStorage state1 = states >= 1 ? dev(name, "s1", s1) : null;
        CudaStorage state2 = states >= 2 ? dev(name, "s2", s2) : null;
        int n = w.size();
        kernels.elementwise(KernelCatalog.optimizer(u.kind()), n, new KernelArgs().ptr(dev(name, "w", w))
                .ptr(dev(name, "g", g)).ptrOrNull(state1).ptrOrNull(state2).i(n).f(u.lr()).f(u.momentum())
                .f(u.beta1()).f(u.beta2()).f(u.rho()).f(u.eps()).f(u.l1()).f(u.l2()).f(u.weightDecay())
                .f(u.gradScale()).flag(u.ewa()).f(u.biasCorrection1()).f(u.biasCorrection2()));
    }

    // ---------------------------------------------------------------- data movement

    @Override
    public void gatherRows(Tensor src, Tensor indices, Tensor out) {
        enter();
        String name = "gatherRows";
        Checks.gatherRows(src, indices, out);
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
        Checks.copy(src, dst);
        CudaStorage s = dev("copy", "src", src);
        CudaStorage d = dev("copy", "dst", dst);
        if (s != d) {
            JCudaDriver.cuMemcpyDtoDAsync(d.pointer(), s.pointer(), (long) src.size() * Float.BYTES, ctx.stream());
        }
    }

    // ---------------------------------------------------------------- convolution and pooling

    /**
     * Column-matrix budget of one conv chunk in floats (64 MiB): the whole batch in one chunk for the usual
     * layer sizes, so a layer costs one im2col and one GEMM per direction.
     */
    private static final long CONV_CHUNK_FLOATS = 1L << 24;

    private static int convChunk(ConvGeometry g, int n) {
        long perImage = (long) g.patchSize() * g.outputPlane();
        return (int) Math.max(1, Math.min(n, CONV_CHUNK_FLOATS / Math.max(1, perImage)));
    }

    private static KernelArgs geometry(KernelArgs a, ConvGeometry g) {
        return a.i(g.channels()).i(g.height()).i(g.width()).i(g.kernelH()).i(g.kernelW()).i(g.strideH())
                .i(g.strideW()).i(g.padTop()).i(g.padLeft()).i(g.outHeight()).i(g.outWidth());
    }

    @Override
    public void conv2dForward(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Tensor y) {
        enter();
        String name = "conv2dForward";
        ConvChecks.conv2dForward(g, x, w, bias, y);
        int n = x.rows();
        int f = w.rows();
        int k = g.patchSize();
        int plane = g.outputPlane();
        int chunk = convChunk(g, n);
        CudaStorage xs = dev(name, "x", x);
        CudaStorage ws = dev(name, "w", w);
        CudaStorage bs = bias == null ? null : dev(name, "bias", bias);
        CudaStorage ys = dev(name, "y", y);
        CudaStorage cols = allocator.allocate((long) k * chunk * plane);
        CudaStorage out = allocator.allocate((long) f * chunk * plane);
        try {
            for (int i0 = 0; i0 < n; i0 += chunk) {
                int nb = Math.min(chunk, n - i0);
                int len = nb * plane;
                kernels.elementwise(KernelCatalog.im2col(), (long) k * len,
                        geometry(new KernelArgs().ptr(xs).ptr(cols).i(i0).i(nb), g));
                blas.sgemm(false, false, f, len, k, 1f, ws.pointer(), k, cols.pointer(), len, 0f, out.pointer());
                kernels.elementwise(KernelCatalog.convScatter(), (long) f * len,
                        new KernelArgs().ptr(out).ptrOrNull(bs).ptr(ys).i(f).i(plane).i(i0).i(nb));
            }
        } finally {
            allocator.release(cols);
            allocator.release(out);
        }
    }

    @Override
    public void conv2dBackward(ConvGeometry g, Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias,
                               boolean accumulate) {
        enter();
        String name = "conv2dBackward";
        ConvChecks.conv2dBackward(g, x, w, dy, dx, dw, dbias);
        int n = x.rows();
        int f = w.rows();
        int k = g.patchSize();
        int plane = g.outputPlane();
        CudaStorage dys = dev(name, "dy", dy);
        if (dbias != null) {
            kernels.blocks(KernelCatalog.convBiasGrad(), f, new KernelArgs().ptr(dys).ptr(dev(name, "dbias", dbias))
                    .i(n).i(f).i(plane).flag(accumulate));
        }
        if (dx == null && dw == null) {
            return;
        }
        int chunk = convChunk(g, n);
        CudaStorage xs = dev(name, "x", x);
        CudaStorage ws = dev(name, "w", w);
        CudaStorage dws = dw == null ? null : dev(name, "dw", dw);
        CudaStorage dxs = dx == null ? null : dev(name, "dx", dx);
        CudaStorage cols = allocator.allocate((long) k * chunk * plane);
        CudaStorage dyT = allocator.allocate((long) f * chunk * plane);
        try {
            for (int i0 = 0; i0 < n; i0 += chunk) {
                int nb = Math.min(chunk, n - i0);
                int len = nb * plane;
                kernels.elementwise(KernelCatalog.convGather(), (long) f * len,
                        new KernelArgs().ptr(dys).ptr(dyT).i(f).i(plane).i(i0).i(nb));
                if (dws != null) {
                    kernels.elementwise(KernelCatalog.im2col(), (long) k * len,
                            geometry(new KernelArgs().ptr(xs).ptr(cols).i(i0).i(nb), g));
                    blas.sgemm(false, true, f, k, len, 1f, dyT.pointer(), len, cols.pointer(), len,
                            accumulate || i0 > 0 ? 1f : 0f, dws.pointer());
                }
                if (dxs != null) {
                    blas.sgemm(true, false, k, len, f, 1f, ws.pointer(), k, dyT.pointer(), len, 0f, cols.pointer());
                    kernels.elementwise(KernelCatalog.col2im(), (long) nb * g.inputSize(),
                            geometry(new KernelArgs().ptr(cols).ptr(dxs).i(i0).i(nb), g));
                }
            }
        } finally {
            allocator.release(cols);
            allocator.release(dyT);
        }
    }

    @Override
    public void maxPool2dForward(ConvGeometry g, Tensor x, Tensor y, Tensor argmax) {
        enter();
        String name = "maxPool2dForward";
        ConvChecks.pool2dForward(name, g, x, y, argmax);
        kernels.elementwise(KernelCatalog.maxPoolForward(), y.size(), geometry(new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "y", y)).ptrOrNull(argmax == null ? null : dev(name, "argmax", argmax)).i(x.rows()), g));
    }

    @Override
    public void maxPool2dBackward(ConvGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        enter();
        String name = "maxPool2dBackward";
        ConvChecks.maxPool2dBackward(g, dy, argmax, dx);
        kernels.elementwise(KernelCatalog.maxPoolBackward(), dx.size(), geometry(new KernelArgs()
                .ptr(dev(name, "dy", dy)).ptr(dev(name, "argmax", argmax)).ptr(dev(name, "dx", dx)).i(dx.rows()), g));
    }

    @Override
    public void avgPool2dForward(ConvGeometry g, Tensor x, Tensor y) {
        enter();
        String name = "avgPool2dForward";
        ConvChecks.pool2dForward(name, g, x, y, null);
        kernels.elementwise(KernelCatalog.avgPoolForward(), y.size(), geometry(new KernelArgs()
                .ptr(dev(name, "x", x)).ptr(dev(name, "y", y)).i(x.rows()), g));
    }

    @Override
    public void avgPool2dBackward(ConvGeometry g, Tensor dy, Tensor dx) {
        enter();
        String name = "avgPool2dBackward";
        ConvChecks.pool2dBackward(name, g, dy, null, dx);
        kernels.elementwise(KernelCatalog.avgPoolBackward(), dx.size(), geometry(new KernelArgs()
                .ptr(dev(name, "dy", dy)).ptr(dev(name, "dx", dx)).i(dx.rows()), g));
    }

    @Override
    public void batchTranspose(Tensor x, int rows, int cols, Tensor out) {
        enter();
        String name = "batchTranspose";
        ConvChecks.batchTranspose(x, rows, cols, out);
        kernels.elementwise(KernelCatalog.batchTranspose(), x.size(), new KernelArgs().ptr(dev(name, "x", x))
                .ptr(dev(name, "out", out)).i(x.size() / (rows * cols)).i(rows).i(cols));
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
            staging.close();
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
