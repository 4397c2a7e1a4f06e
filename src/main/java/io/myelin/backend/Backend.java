package io.myelin.backend;

import io.myelin.tensor.Tensor;

/**
 * The narrow set of primitives every backend implements (DESIGN.md, "The Backend SPI is narrow").
 * Everything else (losses, layers, optimizers' bookkeeping) is composed above this interface in Java.
 *
 * <p>Conventions, shared by every implementation and checked by the contract suite:
 * <ul>
 *   <li>Tensors are float32, row-major and viewed as 2-D {@code (rows, cols)}: {@link Tensor#rows()} is the
 *       first dimension, {@link Tensor#cols()} the product of the rest.</li>
 *   <li>Outputs come last and are written (assigned), never accumulated, unless a parameter says
 *       {@code accumulate} (then {@code out += result}, used for parameter gradients).</li>
 *   <li>Elementwise ops may alias output and input; GEMM, reductions and fused ops may not
 *       (an {@link IllegalArgumentException} names the aliased arguments).</li>
 *   <li>Calls are asynchronous on devices: only {@link #download} waits for the device.</li>
 *   <li>Shape mismatches throw {@link IllegalArgumentException} naming the op and the shapes.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** {@code cpu} or {@code cuda}. */
    String name();

    /** One human line: device, library versions, GEMM provider; says "emulated" on an emulated device. */
    String description();

    /**
     * What a read costs and whether the device is emulated (see {@link Capabilities}); callers decide from
     * this, never from {@link #name()}, whether they may read a value back every step.
     */
    Capabilities capabilities();

    // ---------------------------------------------------------------- memory

    /** A buffer of {@code n} floats with undefined contents. */
    Storage allocate(long n);

    /** Returns a buffer to the backend's allocator. The storage must not be used afterwards. */
    void release(Storage storage);

    /** Bytes currently held by live (not released) buffers; for leak tests. */
    long liveBytes();

    /** Host → backend: {@code dst[0..src.length)} = src (dst must have exactly src.length elements). */
    void upload(float[] src, Tensor dst);

    /** Backend → host: waits for pending work, then {@code dst} = src (exact length). */
    void download(Tensor src, float[] dst);

    /** Waits until all queued work is done (no-op on CPU). */
    void synchronize();

    // ---------------------------------------------------------------- dense algebra

    /**
     * {@code c = alpha * op(a) * op(b) + beta * c}, where op transposes when asked.
     * a: (m, k) or (k, m) if transA; b: (k, n) or (n, k) if transB; c: (m, n). c may not alias a or b.
     */
    void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c);

    /** {@code out[i] = op(x[i]; a, b)}; out has x's size and may alias x. */
    void unary(UnaryOp op, float a, float b, Tensor x, Tensor out);

    /** {@code out = x (op) y} with y full, row-broadcast (1, cols) or column-broadcast (rows, 1). */
    void binary(BinaryOp op, Tensor x, Tensor y, Tensor out);

    /**
     * Reduction of x (rows, cols) along {@code axis}: 0 collapses rows → out (1, cols);
     * 1 collapses columns → out (rows, 1).
     */
    void reduce(ReduceOp op, int axis, Tensor x, Tensor out);

    // ---------------------------------------------------------------- activations

    /** {@code y = f(x)} for a pointwise activation with scalar parameter p (see {@link Activation}). */
    void activationForward(Activation act, float p, Tensor x, Tensor y);

    /**
     * {@code dx = dy * f'(x)}; y is the forward output (used where cheaper, e.g. sigmoid, tanh). STEP has
     * derivative 0. dx may alias dy.
     */
    void activationBackward(Activation act, float p, Tensor x, Tensor y, Tensor dy, Tensor dx);

    /** PReLU: {@code y = x > 0 ? x : alpha[j]*x}; alpha (1, cols). */
    void preluForward(Tensor x, Tensor alpha, Tensor y);

    /**
     * PReLU backward: {@code dx = dy * (x > 0 ? 1 : alpha[j])}, {@code dalpha[j] (+)= sum_i dy*x*!(x > 0)} (a NaN
     * x is not positive, so it makes its column's dalpha NaN).
     */
    void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dalpha, boolean accumulate);

    /** Row-wise softmax, stable: {@code y = e^(x - max) / sum}. */
    void softmax(Tensor x, Tensor y);

    // ---------------------------------------------------------------- fused softmax + cross-entropy

    /**
     * logits (n, k); labels either one-hot / soft (n, k) or sparse class indices (n, 1).
     * Writes probs (n, k) = softmax(logits) and loss (n, 1) = -sum_j y_j * log p_j (computed stably from
     * the log-sum-exp, not from log p). A sparse label that is no whole number in [0, k) is an
     * {@link IllegalArgumentException} where reads are free ({@link Capabilities#readWaitsForDevice()} false),
     * else a NaN loss for its row (checking would need a device sync); the backward likewise gives a NaN row.
     */
    void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor probs, Tensor loss);

    /** {@code dlogits = scale * (probs - y)} with labels one-hot (n, k) or sparse (n, 1). */
    void softmaxCrossEntropyBackward(Tensor probs, Tensor labels, float scale, Tensor dlogits);

    // ---------------------------------------------------------------- dropout

    /**
     * Inverted-dropout mask: element i is kept iff the Philox4x32-10 word for i is below
     * {@code floor(keep * 2^32)} (see {@link io.myelin.random.Philox#dropoutMask}); kept elements are
     * {@code 1/keep}, dropped ones 0. Key = seed; counter = (i/4, stream, step lo, step hi).
     */
    void dropoutMask(long seed, int stream, long step, float keep, Tensor mask);

    // ---------------------------------------------------------------- batch normalization

    /**
     * Training-mode batch norm over the batch axis. x, y (n, c); gamma, beta, mean, invStd, runningMean,
     * runningVar (1, c). Writes y = gamma*(x-mean)*invStd + beta, the batch mean, {@code invStd =
     * 1/sqrt(var_biased + eps)}, and updates the running stats
     * {@code r = momentum*r + (1-momentum)*stat}, using the unbiased variance {@code var*n/(n-1)} for
     * runningVar when {@code unbiasedRunningVar}.
     */
    void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, float eps, float momentum,
                        boolean unbiasedRunningVar, Tensor runningMean, Tensor runningVar,
                        Tensor y, Tensor mean, Tensor invStd);

    /** Inference-mode batch norm with running stats: {@code y = gamma*(x-rm)/sqrt(rv+eps) + beta}. */
    void batchNormInfer(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps,
                        Tensor y);

    /**
     * Batch-norm backward from the saved batch mean and invStd.
     * {@code xhat = (x-mean)*invStd}; {@code dbeta (+)= sum dy}; {@code dgamma (+)= sum dy*xhat};
     * {@code dx = gamma*invStd/n * (n*dy - sum dy - xhat*sum(dy*xhat))} (assigned).
     */
    void batchNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor invStd, Tensor dy,
                           Tensor dx, Tensor dgamma, Tensor dbeta, boolean accumulate);

    // ---------------------------------------------------------------- optimizer

    /** One fused in-place optimizer update of w from g (see {@link OptimizerUpdate}); s1/s2 may be null when unused. */
    void optimizerUpdate(OptimizerUpdate u, Tensor w, Tensor g, Tensor s1, Tensor s2);

    // ---------------------------------------------------------------- data movement

    /** {@code out[r, :] = src[(int) indices[r], :]}; indices (n, 1) floats holding row numbers. */
    void gatherRows(Tensor src, Tensor indices, Tensor out);

    /** Every element of t = value. */
    void fill(Tensor t, float value);

    /** dst = src (same element count). */
    void copy(Tensor src, Tensor dst);

    // ---------------------------------------------------------------- convolution and pooling
    // Images are channels-first: a batch x (n, C*H*W) holds sample i's channel c, row h, column w at
    // column (c*H + h)*W + w of row i. Geometry (window, stride, padding, output size) in ConvGeometry.

    /**
     * Cross-correlation as {@code torch.nn.functional.conv2d}: x (n, C*H*W), w (f, C*kh*kw) holding
     * PyTorch's {@code [f, C, kh, kw]} row-major, bias (1, f) or null, y (n, f*OH*OW) assigned:
     * {@code y[i, o, p] = bias[o] + sum_{c,a,b} w[o, c, a, b] * x[i, c, ih(p)+a, iw(p)+b]}, out-of-image
     * positions reading 0.
     */
    void conv2dForward(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Tensor y);

    /**
     * Backward of {@link #conv2dForward} from dy (n, f*OH*OW): {@code dx} (x's shape, assigned), {@code dw}
     * (w's shape) and {@code dbias} (1, f) written or, with {@code accumulate}, added to; each of the three
     * may be null when not wanted.
     */
    void conv2dBackward(ConvGeometry g, Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias,
                        boolean accumulate);

    /**
     * Max pooling: {@code y[i, c, p]} = the largest x in window p of channel c (padding never wins; NaN
     * propagates), y (n, C*OH*OW). When argmax is not null, {@code argmax[i, c, p]} = {@code h*W + w} of the
     * first maximum in row-major window order (a float holding an integer), as PyTorch routes the gradient.
     */
    void maxPool2dForward(ConvGeometry g, Tensor x, Tensor y, Tensor argmax);

    /** {@code dx} (n, C*H*W) assigned: zero except {@code dx[i, c, argmax[i, c, p]] += dy[i, c, p]}. */
    void maxPool2dBackward(ConvGeometry g, Tensor dy, Tensor argmax, Tensor dx);

    /**
     * Average pooling: {@code y[i, c, p]} = mean of the in-image x of window p (padding is not counted, as
     * Keras; with "valid" windows this is PyTorch's AvgPool2d).
     */
    void avgPool2dForward(ConvGeometry g, Tensor x, Tensor y);

    /** {@code dx} assigned: each in-image position of window p gets {@code dy[i, c, p] / count(p)}, summed. */
    void avgPool2dBackward(ConvGeometry g, Tensor dy, Tensor dx);

    /**
     * x holds {@code x.size() / (rows*cols)} row-major (rows, cols) matrices one after another; out (same
     * size) gets their transposes: {@code out[b, j, i] = x[b, i, j]}. Turns (n, C, H*W) into (n, H*W, C)
     * for per-channel batch norm, and back.
     */
    void batchTranspose(Tensor x, int rows, int cols, Tensor out);

    /** Releases every resource the backend holds. */
    @Override
    void close();
}
