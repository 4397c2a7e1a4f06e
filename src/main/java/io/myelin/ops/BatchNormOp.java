package io.myelin.ops;

import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.tensor.Tensor;

/**
 * Batch normalization over the batch axis.
 * <pre>
 *   x, y: (n, c)   gamma, beta, runningMean, runningVar: (1, c)
 *   train: y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta; running stats updated in place
 *   infer: y = gamma * (x - runningMean) / sqrt(runningVar + eps) + beta
 *   backward (train): dx, dgamma, dbeta from the saved batch mean and invStd (Backend#batchNormBackward)
 * </pre>
 */
public final class BatchNormOp {
    private BatchNormOp() {
    }

    public static Tensor train(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                               float momentum, float eps, boolean unbiasedRunningVar) {
        if (x.rows() < 2) {
            throw new IllegalArgumentException("batch normalization needs at least 2 samples per batch in "
                    + "training, got a batch of " + x.rows());
        }
        Backend be = x.backend();
        Tensor y = x.emptyLike();
        Tensor mean = gamma.emptyLike();
        Tensor invStd = gamma.emptyLike();
        be.batchNormTrain(x, gamma, beta, eps, momentum, unbiasedRunningVar, runningMean, runningVar, y, mean, invStd);
        if (Tape.recording(x, gamma, beta)) {
            Tape.record(y, () -> {
                // gamma and beta belong to one layer and are written together, so they agree on accumulate.
                boolean accumulate = gamma.hasGrad();
                Tensor dgamma = gamma.requiresGrad() ? gamma.gradBuffer() : gamma.emptyLike();
                Tensor dbeta = beta.requiresGrad() ? beta.gradBuffer() : beta.emptyLike();
                boolean xAccumulates = x.hasGrad();
                Tensor dx = x.requiresGrad() && !xAccumulates ? x.gradBuffer() : x.emptyLike();
                be.batchNormBackward(x, gamma, mean, invStd, y.grad(), dx, dgamma, dbeta,
                        accumulate);
                if (gamma.requiresGrad()) {
                    gamma.markGradValid();
                }
                if (beta.requiresGrad()) {
                    beta.markGradValid();
                }
                if (x.requiresGrad()) {
                    if (xAccumulates) {
                        be.binary(BinaryOp.ADD, x.grad(), dx, x.grad());
                    }
                    x.markGradValid();
                }
            });
        }
        return y;
    }

    public static Tensor infer(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps) {
        Tensor y = x.emptyLike();
        x.backend().batchNormInfer(x, gamma, beta, runningMean, runningVar, eps, y);
        return y;
    }
}
