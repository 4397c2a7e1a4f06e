package io.myelin.backend.cuda;

import io.myelin.backend.Activation;
import io.myelin.backend.Backend;
import io.myelin.backend.BackendUnavailableException;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.Capabilities;
import io.myelin.backend.Checks;
import io.myelin.backend.ConvGeometry;
import io.myelin.backend.Operand;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.Storage;
import io.myelin.backend.UnaryOp;
import io.myelin.random.Philox;
import jcuda.JCudaVersion;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA implementation of {@link Backend}: device 0's primary context and one stream
 * ({@link CudaContext}), a caching allocator ({@link CudaAllocator}), cuBLAS SGEMM ({@link Cublas}) and
 * Myelin's kernels ({@link KernelLauncher}, sources in {@code kernels/*.cu}). Every op only queues work
 * on the stream; {@link #download} and {@link #synchronize} wait. Semantics are those of the
 * {@link Backend} javadoc, with the CPU backend as the reference; arguments arrive checked by the door of
 * {@link Backend} (shapes, buffers, and that each lives in this backend's allocator). Where a kernel cannot
 * throw without a host sync (a sparse label or gather index out of range) it writes NaN instead. On the CUDA emulator
 * (docs/cuda.md) the same code runs; {@link #description()} and {@link #capabilities()} then say "emulated".
 *
 * <pre>{@code
 * try (Backend cuda = Backends.create("cuda")) { Tensor x = Tensor.of(cuda, new float[] {1, 2}, 1, 2); }
 * }</pre>
 */
public final class CudaBackend extends Backend {
    private final CudaContext ctx;
    private final CudaAllocator allocator;
    private final KernelLauncher kernels;
    private final Cublas blas;
    private final String description;
    private final Capabilities capabilities;
    private final PinnedStaging staging = new PinnedStaging();

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

    /** Every op, at the door once the backend is known open: bind the context to this thread. */
    @Override
    protected void enter() {
        ctx.makeCurrent();
    }

    /** A block of this backend's allocator (another CUDA backend's block is not). */
    @Override
    protected boolean owns(Storage storage) {
        return storage instanceof CudaStorage cs && cs.owner() == allocator;
    }

    /** The device buffer of an argument the door has checked ({@link #owns}); null stays null. */
    private static CudaStorage mem(Operand t) {
        return t == null ? null : (CudaStorage) t.storage();
    }

    // ---------------------------------------------------------------- memory

    @Override
    protected Storage doAllocate(long n) {
        return allocator.allocate(n);
    }

    @Override
    protected void doRelease(Storage storage) {
        if (isClosed()) {
            return;  // close() already freed every block
        }
        allocator.release((CudaStorage) storage);
    }

    @Override
    public long liveBytes() {
        return allocator.liveBytes();
    }

    @Override
    protected void doUpload(float[] src, Operand dst) {
        // pageable source: the driver stages it before returning, so src may change afterwards
        JCudaDriver.cuMemcpyHtoDAsync(mem(dst).pointer(), Pointer.to(src),
                (long) src.length * Float.BYTES, ctx.stream());
    }

    /**
     * Copies through a pinned staging buffer: the device writes it asynchronously, the stream is waited on
     * with no JVM array pinned, then the floats are copied into {@code dst} on the host. (A copy straight
     * into {@code dst} would hold JCuda's critical region on the Java array, stalling the garbage collector,
     * while the stream drains.) One synchronization per chunk of {@link PinnedStaging#MAX_BYTES}.
     */
    @Override
    protected void doDownload(Operand src, float[] dst) {
        CudaStorage s = mem(src);
        staging.download(s.pointer(), dst, ctx.stream());
    }

    @Override
    protected void doSynchronize() {
        ctx.synchronize();
    }

    // ---------------------------------------------------------------- dense algebra

    @Override
    protected void doGemm(boolean transA, boolean transB, float alpha, Operand a, Operand b, float beta, Operand c) {
        int k = transA ? a.rows() : a.cols();
        blas.sgemm(transA, transB, c.rows(), c.cols(), k, alpha, mem(a).pointer(), a.cols(), mem(b).pointer(),
                b.cols(), beta, mem(c).pointer());
    }

    @Override
    protected void doUnary(UnaryOp op, float a, float b, Operand x, Operand out) {
        int n = x.size();
        kernels.elementwise(KernelCatalog.unary(op), n, new KernelArgs().ptr(mem(x)).ptr(mem(out)).i(n).f(a).f(b));
    }

    @Override
    protected void doBinary(BinaryOp op, Operand x, Operand y, Operand out, Checks.Broadcast mode) {
        kernels.elementwise(KernelCatalog.binary(op), x.size(), new KernelArgs().ptr(mem(x)).ptr(mem(y))
                .ptr(mem(out)).i(x.rows()).i(x.cols()).i(mode.ordinal()));
    }

    @Override
    protected void doReduce(ReduceOp op, int axis, Operand x, Operand out) {
        KernelArgs args = new KernelArgs().ptr(mem(x)).ptr(mem(out)).i(x.rows()).i(x.cols());
        if (axis == 0) {
            kernels.columns(KernelCatalog.reduce(op, 0), x.cols(), args);
        } else {
            kernels.rows(KernelCatalog.reduce(op, 1), x.rows(), args);
        }
    }

    // ---------------------------------------------------------------- activations

    @Override
    protected void doActivationForward(Activation act, float p, Operand x, Operand y) {
        int n = x.size();
        kernels.elementwise(KernelCatalog.activationForward(act), n,
                new KernelArgs().ptr(mem(x)).ptr(mem(y)).i(n).f(p));
    }

    @Override
    protected void doActivationBackward(Activation act, float p, Operand x, Operand y, Operand dy, Operand dx) {
        int n = x.size();
        kernels.elementwise(KernelCatalog.activationBackward(act), n,
                new KernelArgs().ptr(mem(x)).ptr(mem(y)).ptr(mem(dy)).ptr(mem(dx)).i(n).f(p));
    }

    @Override
    protected void doPreluForward(Operand x, Operand alpha, Operand y) {
        kernels.elementwise(KernelCatalog.preluForward(), x.size(),
                new KernelArgs().ptr(mem(x)).ptr(mem(alpha)).ptr(mem(y)).i(x.rows()).i(x.cols()));
    }

    @Override
    protected void doPreluBackward(Operand x, Operand alpha, Operand dy, Operand dx, Operand dalpha,
                                   boolean accumulate) {
        kernels.columns(KernelCatalog.preluBackward(), x.cols(), new KernelArgs().ptr(mem(x)).ptr(mem(alpha))
                .ptr(mem(dy)).ptr(mem(dx)).ptr(mem(dalpha)).i(x.rows()).i(x.cols()).flag(accumulate));
    }

    @Override
    protected void doSoftmax(Operand x, Operand y) {
        kernels.rows(KernelCatalog.softmax(), x.rows(),
                new KernelArgs().ptr(mem(x)).ptr(mem(y)).i(x.rows()).i(x.cols()));
    }

    // ---------------------------------------------------------------- fused softmax + cross-entropy

    /** A sparse label out of range gives a NaN loss row: checking it would need a host sync. */
    @Override
    protected void doSoftmaxCrossEntropy(Operand logits, Operand labels, boolean sparse, Operand probs,
                                         Operand loss) {
        kernels.rows(KernelCatalog.softmaxCrossEntropy(sparse), logits.rows(), new KernelArgs().ptr(mem(logits))
                .ptr(mem(labels)).ptr(mem(probs)).ptr(mem(loss)).i(logits.rows()).i(logits.cols()));
    }

    @Override
    protected void doSoftmaxCrossEntropyBackward(Operand probs, Operand labels, boolean sparse, float scale,
                                                 Operand dlogits) {
        KernelArgs args = new KernelArgs().ptr(mem(probs)).ptr(mem(labels)).ptr(mem(dlogits));
        if (sparse) {
            args.i(probs.rows()).i(probs.cols());
        } else {
            args.i(probs.size());
        }
        kernels.elementwise(KernelCatalog.softmaxCrossEntropyBackward(sparse), probs.size(), args.f(scale));
    }

    // ---------------------------------------------------------------- dropout

    @Override
    protected void doDropoutMask(long seed, int stream, long step, float keep, Operand mask) {
        long threshold = Philox.keepThreshold(keep);
        int n = mask.size();
        long blocks = (n + 3L) / 4;
        kernels.elementwise(KernelCatalog.dropoutMask(), blocks, new KernelArgs().ptr(mem(mask))
                .i(n).i((int) seed).i((int) (seed >>> 32)).i(stream).i((int) step).i((int) (step >>> 32))
                .u64(threshold).f(1f / keep));
    }

    // ---------------------------------------------------------------- batch normalization

    @Override
    protected void doBatchNormTrain(Operand x, Operand gamma, Operand beta, float eps, float momentum,
                                    boolean unbiasedRunningVar, Operand runningMean, Operand runningVar,
                                    Operand y, Operand mean, Operand invStd) {
        int c = x.cols();
        kernels.columns(KernelCatalog.batchNormTrain(), c, new KernelArgs().ptr(mem(x)).ptr(mem(gamma))
                .ptr(mem(beta)).ptr(mem(runningMean)).ptr(mem(runningVar)).ptr(mem(y)).ptr(mem(mean))
                .ptr(mem(invStd)).i(x.rows()).i(c).f(eps).f(momentum).flag(unbiasedRunningVar));
    }

    @Override
    protected void doBatchNormInfer(Operand x, Operand gamma, Operand beta, Operand runningMean, Operand runningVar,
                                    float eps, Operand y) {
        int c = x.cols();
        kernels.elementwise(KernelCatalog.batchNormInfer(), x.size(), new KernelArgs().ptr(mem(x)).ptr(mem(gamma))
                .ptr(mem(beta)).ptr(mem(runningMean)).ptr(mem(runningVar)).ptr(mem(y)).i(x.rows()).i(c).f(eps));
    }

    @Override
    protected void doBatchNormBackward(Operand x, Operand gamma, Operand mean, Operand invStd, Operand dy,
                                       Operand dx, Operand dgamma, Operand dbeta, boolean accumulate) {
        int c = x.cols();
        kernels.columns(KernelCatalog.batchNormBackward(), c, new KernelArgs().ptr(mem(x)).ptr(mem(gamma))
                .ptr(mem(mean)).ptr(mem(invStd)).ptr(mem(dy)).ptr(mem(dx)).ptr(mem(dgamma)).ptr(mem(dbeta))
                .i(x.rows()).i(c).flag(accumulate));
    }

    // ---------------------------------------------------------------- optimizer

    /** s1 and s2 are null unless the kind uses them: the kernel gets a null pointer for an unused state. */
    @Override
    protected void doOptimizerUpdate(OptimizerUpdate u, Operand w, Operand g, Operand s1, Operand s2) {
        int n = w.size();
        kernels.elementwise(KernelCatalog.optimizer(u.kind()), n, new KernelArgs().ptr(mem(w)).ptr(mem(g))
                .ptrOrNull(mem(s1)).ptrOrNull(mem(s2)).i(n).f(u.lr()).f(u.momentum()).f(u.beta1()).f(u.beta2())
                .f(u.rho()).f(u.eps()).f(u.l1()).f(u.l2()).f(u.weightDecay()).f(u.gradScale()).flag(u.ewa())
                .f(u.biasCorrection1()).f(u.biasCorrection2()));
    }

    // ---------------------------------------------------------------- data movement

    /** A row index out of range gives a NaN row: checking it would need a host sync. */
    @Override
    protected void doGatherRows(Operand src, Operand indices, Operand out) {
        kernels.elementwise(KernelCatalog.gatherRows(), out.size(), new KernelArgs().ptr(mem(src))
                .ptr(mem(indices)).ptr(mem(out)).i(out.rows()).i(src.cols()).i(src.rows()));
    }

    @Override
    protected void doFill(Operand t, float value) {
        JCudaDriver.cuMemsetD32Async(mem(t).pointer(), Float.floatToRawIntBits(value), t.size(), ctx.stream());
    }

    @Override
    protected void doCopy(Operand src, Operand dst) {
        CudaStorage s = mem(src);
        CudaStorage d = mem(dst);
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

    /** The body of a conv op for one chunk of {@code nb} images from image {@code i0}. */
    @FunctionalInterface
    private interface ConvChunk {
        void run(CudaStorage cols, CudaStorage side, int i0, int nb);
    }

    /**
     * Runs {@code body} over the batch of {@code n} images in chunks of {@link #convChunk}, with the two
     * workspaces of a conv op: the column matrix {@code (C*kh*kw, chunk*OH*OW)} and the GEMM's other side
     * {@code (filters, chunk*OH*OW)}, taken from the allocator and given back after the op (stream-ordered).
     */
    private void chunked(ConvGeometry g, int n, int filters, ConvChunk body) {
        int chunk = convChunk(g, n);
        long len = (long) chunk * g.outputPlane();
        CudaStorage cols = allocator.allocate(g.patchSize() * len);
        CudaStorage side = allocator.allocate(filters * len);
        try {
            for (int i0 = 0; i0 < n; i0 += chunk) {
                body.run(cols, side, i0, Math.min(chunk, n - i0));
            }
        } finally {
            allocator.release(cols);
            allocator.release(side);
        }
    }

    @Override
    protected void doConv2dForward(ConvGeometry g, Operand x, Operand w, Operand bias, Operand y) {
        int f = w.rows();
        int k = g.patchSize();
        int plane = g.outputPlane();
        CudaStorage xs = mem(x);
        CudaStorage ws = mem(w);
        CudaStorage bs = mem(bias);
        CudaStorage ys = mem(y);
        chunked(g, x.rows(), f, (cols, out, i0, nb) -> {
            int len = nb * plane;
            kernels.elementwise(KernelCatalog.im2col(), (long) k * len,
                    geometry(new KernelArgs().ptr(xs).ptr(cols).i(i0).i(nb), g));
            blas.sgemm(false, false, f, len, k, 1f, ws.pointer(), k, cols.pointer(), len, 0f, out.pointer());
            kernels.elementwise(KernelCatalog.convScatter(), (long) f * len,
                    new KernelArgs().ptr(out).ptrOrNull(bs).ptr(ys).i(f).i(plane).i(i0).i(nb));
        });
    }

    @Override
    protected void doConv2dBackward(ConvGeometry g, Operand x, Operand w, Operand dy, Operand dx, Operand dw,
                                    Operand dbias, boolean accumulate) {
        int n = x.rows();
        int f = w.rows();
        int k = g.patchSize();
        int plane = g.outputPlane();
        CudaStorage dys = mem(dy);
        if (dbias != null) {
            kernels.blocks(KernelCatalog.convBiasGrad(), f, new KernelArgs().ptr(dys).ptr(mem(dbias))
                    .i(n).i(f).i(plane).flag(accumulate));
        }
        if (dx == null && dw == null) {
            return;
        }
        CudaStorage xs = mem(x);
        CudaStorage ws = mem(w);
        CudaStorage dws = mem(dw);
        CudaStorage dxs = mem(dx);
        chunked(g, n, f, (cols, dyT, i0, nb) -> {
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
        });
    }

    /**
     * A pooling kernel, one thread per output (forward) or input pixel (backward) of {@code n} images:
     * {@code (pointers..., n, geometry)}.
     */
    private void pool(Kernel kernel, long threads, KernelArgs pointers, int n, ConvGeometry g) {
        kernels.elementwise(kernel, threads, geometry(pointers.i(n), g));
    }

    @Override
    protected void doMaxPool2dForward(ConvGeometry g, Operand x, Operand y, Operand argmax) {
        pool(KernelCatalog.maxPoolForward(), y.size(), new KernelArgs().ptr(mem(x)).ptr(mem(y)).ptrOrNull(mem(argmax)),
                x.rows(), g);
    }

    @Override
    protected void doMaxPool2dBackward(ConvGeometry g, Operand dy, Operand argmax, Operand dx) {
        pool(KernelCatalog.maxPoolBackward(), dx.size(), new KernelArgs().ptr(mem(dy)).ptr(mem(argmax)).ptr(mem(dx)),
                dx.rows(), g);
    }

    @Override
    protected void doAvgPool2dForward(ConvGeometry g, Operand x, Operand y) {
        pool(KernelCatalog.avgPoolForward(), y.size(), new KernelArgs().ptr(mem(x)).ptr(mem(y)), x.rows(), g);
    }

    @Override
    protected void doAvgPool2dBackward(ConvGeometry g, Operand dy, Operand dx) {
        pool(KernelCatalog.avgPoolBackward(), dx.size(), new KernelArgs().ptr(mem(dy)).ptr(mem(dx)), dx.rows(), g);
    }

    @Override
    protected void doBatchTranspose(Operand x, int rows, int cols, Operand out) {
        kernels.elementwise(KernelCatalog.batchTranspose(), x.size(), new KernelArgs().ptr(mem(x))
                .ptr(mem(out)).i(x.size() / (rows * cols)).i(rows).i(cols));
    }

    /** Bytes the allocator keeps cached for reuse (not counted in {@link #liveBytes()}). */
    public long cachedBytes() {
        return allocator.cachedBytes();
    }

    /** Waits for the stream, then frees cuBLAS, the kernels, every device block and the context. */
    @Override
    protected void free() {
        ctx.makeCurrent();
        try {
            ctx.synchronize();
            blas.close();
            kernels.close();
            allocator.close();
            staging.close();
        } finally {
            ctx.close();
        }
    }

    @Override
    public String toString() {
        return "CudaBackend[" + description + "]";
    }
}
