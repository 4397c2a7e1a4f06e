package io.myelin.backend;

import static io.myelin.backend.OperandChecks.owned;

/**
 * The narrow set of primitives every backend implements (DESIGN.md, "The Backend SPI is narrow").
 * Everything else (losses, layers, optimizers' bookkeeping) is composed above this class in Java.
 *
 * <p>Conventions, shared by every implementation and checked by the contract suite:
 * <ul>
 *   <li>Tensors are float32, row-major and viewed as 2-D {@code (rows, cols)}: {@link Operand#rows()} is the
 *       first dimension, {@link Operand#cols()} the product of the rest. Callers pass
 *       tensors ({@code Tensor} implements {@link Operand}); the SPI sees only that view.</li>
 *   <li>Outputs come last and are written (assigned), never accumulated, unless a parameter says
 *       {@code accumulate} (then {@code out += result}, used for parameter gradients).</li>
 *   <li>Elementwise ops may alias output and input; GEMM, reductions and fused ops may not
 *       (an {@link IllegalArgumentException} names the aliased arguments).</li>
 *   <li>Calls are asynchronous on devices: only {@link #download} waits for the device.</li>
 *   <li>Shape mismatches throw {@link IllegalArgumentException} naming the op and the shapes.</li>
 * </ul>
 *
 * <p><b>One door.</b> Every public op is {@code final} and checks before it dispatches, the same way on every
 * backend: a closed backend is refused ({@link IllegalStateException}); the op's rule in {@link Checks} or
 * {@link ConvChecks} runs; every tensor argument must live on this backend ({@link #owns}); then the
 * protected {@code do*} method of the same op runs with arguments known to be good. A backend implements
 * only the {@code do*} methods (the arithmetic), {@link #owns} and the few plain methods (name, memory).
 * Passing checks allocate nothing, so the door costs the training loop no garbage.
 *
 * <pre>{@code
 * backend.gemm(false, false, 1f, x, w, 0f, h);   // h = x * w, x (n, in), w (in, out), h (n, out)
 * }</pre>
 */
public abstract class Backend implements AutoCloseable {
    private volatile boolean closed;

    /** For subclasses. */
    protected Backend() {
    }

    /** {@code cpu} or {@code cuda}. */
    public abstract String name();

    /** One human line: device, library versions, GEMM provider; says "emulated" on an emulated device. */
    public abstract String description();

    /**
     * What a read costs and whether the device is emulated (see {@link Capabilities}); callers decide from
     * this, never from {@link #name()}, whether they may read a value back every step.
     */
    public abstract Capabilities capabilities();

    // ---------------------------------------------------------------- what a backend provides besides ops

    /** Whether {@code storage} is a buffer of this backend (the door's ownership test; no allocation). */
    protected abstract boolean owns(Storage storage);

    /**
     * Run at the door of every op once the backend is known to be open, before the checks: the CUDA
     * backend binds its context to the calling thread here. Does nothing by default.
     */
    protected void enter() {
    }

    /** Frees what the backend holds; called once, by the first {@link #close()}. */
    protected abstract void free();

    /** True once {@link #close()} has run. */
    protected final boolean isClosed() {
        return closed;
    }

    /** The door's first test: {@code "cpu backend is closed"}, then the backend's {@link #enter()}. */
    private void open() {
        if (closed) {
            throw new IllegalStateException(name() + " backend is closed");
        }
        enter();
    }

    // ---------------------------------------------------------------- memory

    /** A buffer of {@code n} floats with undefined contents. */
    public final Storage allocate(long n) {
        open();
        return doAllocate(n);
    }

    /**
     * Returns a buffer to the backend's allocator. The storage must not be used afterwards. A buffer of
     * another backend is an {@link IllegalArgumentException}; after {@link #close()} the backend decides
     * (CUDA has freed every block already and ignores the call).
     */
    public final void release(Storage storage) {
        if (!owns(storage)) {
            throw new IllegalArgumentException("release: " + storage + " does not belong to the " + name()
                    + " backend");
        }
        doRelease(storage);
    }

    /** Bytes currently held by live (not released) buffers; for leak tests. */
    public abstract long liveBytes();

    /** Host → backend: {@code dst[0..src.length)} = src (dst must have exactly src.length elements). */
    public final void upload(float[] src, Operand dst) {
        open();
        Checks.upload(src, dst);
        owned(this, "upload", null, "dst", dst);
        doUpload(src, dst);
    }

    /** Backend → host: waits for pending work, then {@code dst} = src (exact length). */
    public final void download(Operand src, float[] dst) {
        open();
        Checks.download(src, dst);
        owned(this, "download", null, "src", src);
        doDownload(src, dst);
    }

    /** Waits until all queued work is done (no-op on CPU). */
    public final void synchronize() {
        open();
        doSynchronize();
    }

    // ---------------------------------------------------------------- dense algebra

    /**
     * {@code c = alpha * op(a) * op(b) + beta * c}, where op transposes when asked.
     * a: (m, k) or (k, m) if transA; b: (k, n) or (n, k) if transB; c: (m, n). c may not alias a or b.
     */
    public final void gemm(boolean transA, boolean transB, float alpha, Operand a, Operand b, float beta, Operand c) {
        open();
        Checks.gemm(transA, transB, a, b, c);
        owned(this, "gemm", null, "a, b, c", a, b, c);
        doGemm(transA, transB, alpha, a, b, beta, c);
    }

    /** {@code out[i] = op(x[i]; a, b)}; out has x's size and may alias x. */
    public final void unary(UnaryOp op, float a, float b, Operand x, Operand out) {
        open();
        Checks.unary(op, x, out);
        owned(this, "unary", op, "x, out", x, out);
        doUnary(op, a, b, x, out);
    }

    /** {@code out = x (op) y} with y full, row-broadcast (1, cols) or column-broadcast (rows, 1). */
    public final void binary(BinaryOp op, Operand x, Operand y, Operand out) {
        open();
        Checks.Broadcast mode = Checks.binary(op, x, y, out);
        owned(this, "binary", op, "x, y, out", x, y, out);
        doBinary(op, x, y, out, mode);
    }

    /**
     * Reduction of x (rows, cols) along {@code axis}: 0 collapses rows → out (1, cols);
     * 1 collapses columns → out (rows, 1).
     */
    public final void reduce(ReduceOp op, int axis, Operand x, Operand out) {
        open();
        Checks.reduce(op, axis, x, out);
        owned(this, "reduce", op, "x, out", x, out);
        doReduce(op, axis, x, out);
    }

    // ---------------------------------------------------------------- activations

    /** {@code y = f(x)} for a pointwise activation with scalar parameter p (see {@link Activation}). */
    public final void activationForward(Activation act, float p, Operand x, Operand y) {
        open();
        Checks.activationForward(act, x, y);
        owned(this, "activationForward", act, "x, y", x, y);
        doActivationForward(act, p, x, y);
    }

    /**
     * {@code dx = dy * f'(x)}; y is the forward output (used where cheaper, e.g. sigmoid, tanh). STEP has
     * derivative 0. dx may alias dy.
     */
    public final void activationBackward(Activation act, float p, Operand x, Operand y, Operand dy, Operand dx) {
        open();
        Checks.activationBackward(act, x, y, dy, dx);
        owned(this, "activationBackward", act, "x, y, dy, dx", x, y, dy, dx);
        doActivationBackward(act, p, x, y, dy, dx);
    }

    /** PReLU: {@code y = x > 0 ? x : alpha[j]*x}; alpha (1, cols). */
    public final void preluForward(Operand x, Operand alpha, Operand y) {
        open();
        Checks.preluForward(x, alpha, y);
        owned(this, "preluForward", null, "x, alpha, y", x, alpha, y);
        doPreluForward(x, alpha, y);
    }

    /**
     * PReLU backward: {@code dx = dy * (x > 0 ? 1 : alpha[j])}, {@code dalpha[j] (+)= sum_i dy*x*!(x > 0)} (a NaN
     * x is not positive, so it makes its column's dalpha NaN).
     */
    public final void preluBackward(Operand x, Operand alpha, Operand dy, Operand dx, Operand dalpha,
                                    boolean accumulate) {
        open();
        Checks.preluBackward(x, alpha, dy, dx, dalpha);
        owned(this, "preluBackward", null, "x, alpha, dy, dx, dalpha", x, alpha, dy, dx, dalpha);
        doPreluBackward(x, alpha, dy, dx, dalpha, accumulate);
    }

    /** Row-wise softmax, stable: {@code y = e^(x - max) / sum}. */
    public final void softmax(Operand x, Operand y) {
        open();
        Checks.softmax(x, y);
        owned(this, "softmax", null, "x, y", x, y);
        doSoftmax(x, y);
    }

    // ---------------------------------------------------------------- fused softmax + cross-entropy

    /**
     * logits (n, k); labels either one-hot / soft (n, k) or sparse class indices (n, 1).
     * Writes probs (n, k) = softmax(logits) and loss (n, 1) = -sum_j y_j * log p_j (computed stably from
     * the log-sum-exp, not from log p). A sparse label that is no whole number in [0, k) is an
     * {@link IllegalArgumentException} where reads are free ({@link Capabilities#readWaitsForDevice()} false),
     * else a NaN loss for its row (checking would need a device sync); the backward likewise gives a NaN row.
     */
    public final void softmaxCrossEntropy(Operand logits, Operand labels, Operand probs, Operand loss) {
        open();
        boolean sparse = Checks.softmaxCrossEntropy(logits, labels, probs, loss);
        owned(this, "softmaxCrossEntropy", null, "logits, labels, probs, loss", logits, labels, probs, loss);
        doSoftmaxCrossEntropy(logits, labels, sparse, probs, loss);
    }

    /** {@code dlogits = scale * (probs - y)} with labels one-hot (n, k) or sparse (n, 1). */
    public final void softmaxCrossEntropyBackward(Operand probs, Operand labels, float scale, Operand dlogits) {
        open();
        boolean sparse = Checks.softmaxCrossEntropyBackward(probs, labels, dlogits);
        owned(this, "softmaxCrossEntropyBackward", null, "probs, labels, dlogits", probs, labels, dlogits);
        doSoftmaxCrossEntropyBackward(probs, labels, sparse, scale, dlogits);
    }

    // ---------------------------------------------------------------- dropout

    /**
     * Inverted-dropout mask: element i is kept iff the Philox4x32-10 word for i is below
     * {@code floor(keep * 2^32)} (see {@link io.myelin.random.Philox#dropoutMask}); kept elements are
     * {@code 1/keep}, dropped ones 0. Key = seed; counter = (i/4, stream, step lo, step hi).
     */
    public final void dropoutMask(long seed, int stream, long step, float keep, Operand mask) {
        open();
        Checks.dropoutMask(keep);
        owned(this, "dropoutMask", null, "mask", mask);
        doDropoutMask(seed, stream, step, keep, mask);
    }

    // ---------------------------------------------------------------- batch normalization

    /**
     * Training-mode batch norm over the batch axis. x, y (n, c); gamma, beta, mean, invStd, runningMean,
     * runningVar (1, c). Writes y = gamma*(x-mean)*invStd + beta, the batch mean, {@code invStd =
     * 1/sqrt(var_biased + eps)}, and updates the running stats
     * {@code r = momentum*r + (1-momentum)*stat}, using the unbiased variance {@code var*n/(n-1)} for
     * runningVar when {@code unbiasedRunningVar}.
     */
    public final void batchNormTrain(Operand x, Operand gamma, Operand beta, float eps, float momentum,
                                     boolean unbiasedRunningVar, Operand runningMean, Operand runningVar,
                                     Operand y, Operand mean, Operand invStd) {
        open();
        Checks.batchNormTrain(x, gamma, beta, runningMean, runningVar, y, mean, invStd);
        owned(this, "batchNormTrain", null, "x, gamma, beta, runningMean, runningVar, y, mean, invStd",
                x, gamma, beta, runningMean, runningVar, y, mean, invStd);
        doBatchNormTrain(x, gamma, beta, eps, momentum, unbiasedRunningVar, runningMean, runningVar, y, mean, invStd);
    }

    /** Inference-mode batch norm with running stats: {@code y = gamma*(x-rm)/sqrt(rv+eps) + beta}. */
    public final void batchNormInfer(Operand x, Operand gamma, Operand beta, Operand runningMean, Operand runningVar,
                                     float eps, Operand y) {
        open();
        Checks.batchNormInfer(x, gamma, beta, runningMean, runningVar, y);
        owned(this, "batchNormInfer", null, "x, gamma, beta, runningMean, runningVar, y",
                x, gamma, beta, runningMean, runningVar, y, null, null);
        doBatchNormInfer(x, gamma, beta, runningMean, runningVar, eps, y);
    }

    /**
     * Batch-norm backward from the saved batch mean and invStd.
     * {@code xhat = (x-mean)*invStd}; {@code dbeta (+)= sum dy}; {@code dgamma (+)= sum dy*xhat};
     * {@code dx = gamma*invStd/n * (n*dy - sum dy - xhat*sum(dy*xhat))} (assigned).
     */
    public final void batchNormBackward(Operand x, Operand gamma, Operand mean, Operand invStd, Operand dy,
                                        Operand dx, Operand dgamma, Operand dbeta, boolean accumulate) {
        open();
        Checks.batchNormBackward(x, gamma, mean, invStd, dy, dx, dgamma, dbeta);
        owned(this, "batchNormBackward", null, "x, gamma, mean, invStd, dy, dx, dgamma, dbeta",
                x, gamma, mean, invStd, dy, dx, dgamma, dbeta);
        doBatchNormBackward(x, gamma, mean, invStd, dy, dx, dgamma, dbeta, accumulate);
    }

    // ---------------------------------------------------------------- optimizer

    /**
     * One fused in-place optimizer update of w from g (see {@link OptimizerUpdate}); s1/s2 may be null when
     * unused. The implementation gets null for a state the kind does not use.
     */
    public final void optimizerUpdate(OptimizerUpdate u, Operand w, Operand g, Operand s1, Operand s2) {
        open();
        Checks.optimizerUpdate(u, w, g, s1, s2);
        int states = u.stateCount();
        Operand a = states >= 1 ? s1 : null;
        Operand b = states >= 2 ? s2 : null;
        owned(this, "optimizerUpdate", u.kind(), "w, g, s1, s2", w, g, a, b);
        doOptimizerUpdate(u, w, g, a, b);
    }

    // ---------------------------------------------------------------- data movement

    /** {@code out[r, :] = src[(int) indices[r], :]}; indices (n, 1) floats holding row numbers. */
    public final void gatherRows(Operand src, Operand indices, Operand out) {
        open();
        Checks.gatherRows(src, indices, out);
        owned(this, "gatherRows", null, "src, indices, out", src, indices, out);
        doGatherRows(src, indices, out);
    }

    /** Every element of t = value. */
    public final void fill(Operand t, float value) {
        open();
        owned(this, "fill", null, "t", t);
        doFill(t, value);
    }

    /** dst = src (same element count). */
    public final void copy(Operand src, Operand dst) {
        open();
        Checks.copy(src, dst);
        owned(this, "copy", null, "src, dst", src, dst);
        doCopy(src, dst);
    }

    // ---------------------------------------------------------------- convolution and pooling
    // Images are channels-first: a batch x (n, C*H*W) holds sample i's channel c, row h, column w at
    // column (c*H + h)*W + w of row i. Geometry (window, stride, padding, output size) in ConvGeometry.

    /**
     * Cross-correlation as {@code torch.nn.functional.conv2d}: x (n, C*H*W), w (f, C*kh*kw) holding
     * PyTorch's {@code [f, C, kh, kw]} row-major, bias (1, f) or null, y (n, f*OH*OW) assigned:
     * {@code y[i, o, p] = bias[o] + sum_{c,a,b} w[o, c, a, b] * x[i, c, ih(p)+a, iw(p)+b]}, out-of-image
     * positions reading 0.
     */
    public final void conv2dForward(ConvGeometry g, Operand x, Operand w, Operand bias, Operand y) {
        open();
        ConvChecks.conv2dForward(g, x, w, bias, y);
        owned(this, "conv2dForward", null, "x, w, bias, y", x, w, bias, y);
        doConv2dForward(g, x, w, bias, y);
    }

    /**
     * Backward of {@link #conv2dForward} from dy (n, f*OH*OW): {@code dx} (x's shape, assigned), {@code dw}
     * (w's shape) and {@code dbias} (1, f) written or, with {@code accumulate}, added to; each of the three
     * may be null when not wanted.
     */
    public final void conv2dBackward(ConvGeometry g, Operand x, Operand w, Operand dy, Operand dx, Operand dw,
                                     Operand dbias, boolean accumulate) {
        open();
        ConvChecks.conv2dBackward(g, x, w, dy, dx, dw, dbias);
        owned(this, "conv2dBackward", null, "x, w, dy, dx, dw, dbias", x, w, dy, dx, dw, dbias, null, null);
        doConv2dBackward(g, x, w, dy, dx, dw, dbias, accumulate);
    }

    /**
     * Max pooling: {@code y[i, c, p]} = the largest x in window p of channel c (padding never wins; NaN
     * propagates), y (n, C*OH*OW). When argmax is not null, {@code argmax[i, c, p]} = {@code h*W + w} of the
     * first maximum in row-major window order (a float holding an integer), as PyTorch routes the gradient.
     */
    public final void maxPool2dForward(ConvGeometry g, Operand x, Operand y, Operand argmax) {
        open();
        ConvChecks.pool2dForward("maxPool2dForward", g, x, y, argmax);
        owned(this, "maxPool2dForward", null, "x, y, argmax", x, y, argmax);
        doMaxPool2dForward(g, x, y, argmax);
    }

    /** {@code dx} (n, C*H*W) assigned: zero except {@code dx[i, c, argmax[i, c, p]] += dy[i, c, p]}. */
    public final void maxPool2dBackward(ConvGeometry g, Operand dy, Operand argmax, Operand dx) {
        open();
        ConvChecks.maxPool2dBackward(g, dy, argmax, dx);
        owned(this, "maxPool2dBackward", null, "dy, argmax, dx", dy, argmax, dx);
        doMaxPool2dBackward(g, dy, argmax, dx);
    }

    /**
     * Average pooling: {@code y[i, c, p]} = mean of the in-image x of window p (padding is not counted, as
     * Keras; with "valid" windows this is PyTorch's AvgPool2d).
     */
    public final void avgPool2dForward(ConvGeometry g, Operand x, Operand y) {
        open();
        ConvChecks.pool2dForward("avgPool2dForward", g, x, y, null);
        owned(this, "avgPool2dForward", null, "x, y", x, y);
        doAvgPool2dForward(g, x, y);
    }

    /** {@code dx} assigned: each in-image position of window p gets {@code dy[i, c, p] / count(p)}, summed. */
    public final void avgPool2dBackward(ConvGeometry g, Operand dy, Operand dx) {
        open();
        ConvChecks.pool2dBackward("avgPool2dBackward", g, dy, null, dx);
        owned(this, "avgPool2dBackward", null, "dy, dx", dy, dx);
        doAvgPool2dBackward(g, dy, dx);
    }

    /**
     * x holds {@code x.size() / (rows*cols)} row-major (rows, cols) matrices one after another; out (same
     * size) gets their transposes: {@code out[b, j, i] = x[b, i, j]}. Turns (n, C, H*W) into (n, H*W, C)
     * for per-channel batch norm, and back.
     */
    public final void batchTranspose(Operand x, int rows, int cols, Operand out) {
        open();
        ConvChecks.batchTranspose(x, rows, cols, out);
        owned(this, "batchTranspose", null, "x, out", x, out);
        doBatchTranspose(x, rows, cols, out);
    }

    /** Releases every resource the backend holds; every later op is refused. Idempotent. */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        try {
            free();
        } finally {
            closed = true;
        }
    }

    // ---------------------------------------------------------------- the implementations behind the door
    // Each runs after its public op's checks: shapes, buffers and ownership are as the op's javadoc says,
    // and the backend is open. Optional arguments the caller left out are null.

    /** {@link #allocate}. */
    protected abstract Storage doAllocate(long n);

    /** {@link #release}, with a buffer of this backend (possibly after {@link #close()}, see {@link #isClosed()}). */
    protected abstract void doRelease(Storage storage);

    /** {@link #upload}. */
    protected abstract void doUpload(float[] src, Operand dst);

    /** {@link #download}. */
    protected abstract void doDownload(Operand src, float[] dst);

    /** {@link #synchronize}. */
    protected abstract void doSynchronize();

    /** {@link #gemm}. */
    protected abstract void doGemm(boolean transA, boolean transB, float alpha, Operand a, Operand b, float beta,
                                   Operand c);

    /** {@link #unary}. */
    protected abstract void doUnary(UnaryOp op, float a, float b, Operand x, Operand out);

    /** {@link #binary}, with how y lines up with x. */
    protected abstract void doBinary(BinaryOp op, Operand x, Operand y, Operand out, Checks.Broadcast mode);

    /** {@link #reduce}; axis is 0 or 1. */
    protected abstract void doReduce(ReduceOp op, int axis, Operand x, Operand out);

    /** {@link #activationForward}. */
    protected abstract void doActivationForward(Activation act, float p, Operand x, Operand y);

    /** {@link #activationBackward}. */
    protected abstract void doActivationBackward(Activation act, float p, Operand x, Operand y, Operand dy,
                                                 Operand dx);

    /** {@link #preluForward}. */
    protected abstract void doPreluForward(Operand x, Operand alpha, Operand y);

    /** {@link #preluBackward}. */
    protected abstract void doPreluBackward(Operand x, Operand alpha, Operand dy, Operand dx, Operand dalpha,
                                            boolean accumulate);

    /** {@link #softmax}. */
    protected abstract void doSoftmax(Operand x, Operand y);

    /** {@link #softmaxCrossEntropy}; {@code sparse}: labels are class indices (n, 1), values not yet checked. */
    protected abstract void doSoftmaxCrossEntropy(Operand logits, Operand labels, boolean sparse, Operand probs,
                                                  Operand loss);

    /** {@link #softmaxCrossEntropyBackward}; {@code sparse} as in {@link #doSoftmaxCrossEntropy}. */
    protected abstract void doSoftmaxCrossEntropyBackward(Operand probs, Operand labels, boolean sparse, float scale,
                                                          Operand dlogits);

    /** {@link #dropoutMask}; keep is in (0, 1]. */
    protected abstract void doDropoutMask(long seed, int stream, long step, float keep, Operand mask);

    /** {@link #batchNormTrain}. */
    protected abstract void doBatchNormTrain(Operand x, Operand gamma, Operand beta, float eps, float momentum,
                                             boolean unbiasedRunningVar, Operand runningMean, Operand runningVar,
                                             Operand y, Operand mean, Operand invStd);

    /** {@link #batchNormInfer}. */
    protected abstract void doBatchNormInfer(Operand x, Operand gamma, Operand beta, Operand runningMean,
                                             Operand runningVar, float eps, Operand y);

    /** {@link #batchNormBackward}. */
    protected abstract void doBatchNormBackward(Operand x, Operand gamma, Operand mean, Operand invStd, Operand dy,
                                                Operand dx, Operand dgamma, Operand dbeta, boolean accumulate);

    /** {@link #optimizerUpdate}; s1 and s2 are null unless the kind uses them. */
    protected abstract void doOptimizerUpdate(OptimizerUpdate u, Operand w, Operand g, Operand s1, Operand s2);

    /** {@link #gatherRows}; index values not yet checked. */
    protected abstract void doGatherRows(Operand src, Operand indices, Operand out);

    /** {@link #fill}. */
    protected abstract void doFill(Operand t, float value);

    /** {@link #copy}; src and dst may be the same buffer. */
    protected abstract void doCopy(Operand src, Operand dst);

    /** {@link #conv2dForward}. */
    protected abstract void doConv2dForward(ConvGeometry g, Operand x, Operand w, Operand bias, Operand y);

    /** {@link #conv2dBackward}. */
    protected abstract void doConv2dBackward(ConvGeometry g, Operand x, Operand w, Operand dy, Operand dx,
                                             Operand dw, Operand dbias, boolean accumulate);

    /** {@link #maxPool2dForward}. */
    protected abstract void doMaxPool2dForward(ConvGeometry g, Operand x, Operand y, Operand argmax);

    /** {@link #maxPool2dBackward}; argmax values not yet checked. */
    protected abstract void doMaxPool2dBackward(ConvGeometry g, Operand dy, Operand argmax, Operand dx);

    /** {@link #avgPool2dForward}. */
    protected abstract void doAvgPool2dForward(ConvGeometry g, Operand x, Operand y);

    /** {@link #avgPool2dBackward}. */
    protected abstract void doAvgPool2dBackward(ConvGeometry g, Operand dy, Operand dx);

    /** {@link #batchTranspose}. */
    protected abstract void doBatchTranspose(Operand x, int rows, int cols, Operand out);
}
