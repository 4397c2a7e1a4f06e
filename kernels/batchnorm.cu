// Batch normalization over the batch axis: training forward (with the running-stat update),
// inference forward, and backward. x, y, dy, dx (n, c); every per-feature vector (1, c).
// The training kernels give each block whole columns (features), so the statistics and the
// normalized output come from one kernel without a second launch or a temporary buffer.
#include "common.cuh"

// batchnorm_train_fwd_f32: mean = sum x / n; var = sum (x - mean)^2 / n (biased, two-pass);
// invStd = 1/sqrt(var + eps); y = gamma*(x - mean)*invStd + beta;
// runningMean = momentum*runningMean + (1-momentum)*mean;
// runningVar  = momentum*runningVar + (1-momentum)*(unbiased && n > 1 ? var*n/(n-1) : var).
// Launch: column-wise, block (32, 16), grid ceil(c/32).
extern "C" __global__ void batchnorm_train_fwd_f32(const float* x, const float* gamma, const float* beta,
                                                   float* runningMean, float* runningVar, float* y,
                                                   float* mean, float* invStd, int n, int c, float eps,
                                                   float momentum, int unbiased) {
    __shared__ float tile[MYELIN_COL_LANES * (MYELIN_COL_TILE + 1)];
    const int j = blockIdx.x * MYELIN_COL_TILE + threadIdx.x;
    const bool active = j < c;
    float acc = 0.0f;
    if (active) {
        for (int r = threadIdx.y; r < n; r += MYELIN_COL_LANES) acc += x[(long long)r * c + j];
    }
    const float mu = column_sum(acc, tile) / (float)n;
    acc = 0.0f;
    if (active) {
        for (int r = threadIdx.y; r < n; r += MYELIN_COL_LANES) {
            const float d = x[(long long)r * c + j] - mu;
            acc += d * d;
        }
    }
    const float var = column_sum(acc, tile) / (float)n;
    const float inv = 1.0f / sqrtf(var + eps);
    if (!active) return;  // after the last __syncthreads
    const float g = gamma[j], b = beta[j];
    for (int r = threadIdx.y; r < n; r += MYELIN_COL_LANES) {
        const long long i = (long long)r * c + j;
        y[i] = g * (x[i] - mu) * inv + b;
    }
    if (threadIdx.y == 0) {
        mean[j] = mu;
        invStd[j] = inv;
        const float stat = (unbiased && n > 1) ? var * (float)n / (float)(n - 1) : var;
        runningMean[j] = momentum * runningMean[j] + (1.0f - momentum) * mu;
        runningVar[j] = momentum * runningVar[j] + (1.0f - momentum) * stat;
    }
}

// batchnorm_infer_f32: y = gamma*(x - rm)/sqrt(rv + eps) + beta with the running stats.
// Launch: elementwise over n*c, block 256, grid-stride.
extern "C" __global__ void batchnorm_infer_f32(const float* x, const float* gamma, const float* beta,
                                               const float* runningMean, const float* runningVar, float* y,
                                               int n, int c, float eps) {
    const long long total = (long long)n * c;
    MYELIN_FOR_EACH(i, total) {
        const int j = (int)(i % c);
        y[i] = gamma[j] * (x[i] - runningMean[j]) / sqrtf(runningVar[j] + eps) + beta[j];
    }
}

// batchnorm_bwd_f32: xhat = (x - mean)*invStd; sdy = sum dy; sdyx = sum dy*xhat (per column);
// dx = gamma*invStd/n * (n*dy - sdy - xhat*sdyx) (assigned); dgamma (+)= sdyx; dbeta (+)= sdy
// (added when accumulate != 0, else assigned). Launch: column-wise, block (32, 16), grid ceil(c/32).
extern "C" __global__ void batchnorm_bwd_f32(const float* x, const float* gamma, const float* mean,
                                             const float* invStd, const float* dy, float* dx, float* dgamma,
                                             float* dbeta, int n, int c, int accumulate) {
    __shared__ float tile[MYELIN_COL_LANES * (MYELIN_COL_TILE + 1)];
    const int j = blockIdx.x * MYELIN_COL_TILE + threadIdx.x;
    const bool active = j < c;
    const float mu = active ? mean[j] : 0.0f;
    const float inv = active ? invStd[j] : 0.0f;
    float accDy = 0.0f, accDyx = 0.0f;
    if (active) {
        for (int r = threadIdx.y; r < n; r += MYELIN_COL_LANES) {
            const long long i = (long long)r * c + j;
            const float g = dy[i];
            accDy += g;
            accDyx += g * (x[i] - mu) * inv;
        }
    }
    const float sdy = column_sum(accDy, tile);
    const float sdyx = column_sum(accDyx, tile);
    if (!active) return;
    const float k = gamma[j] * inv / (float)n;
    for (int r = threadIdx.y; r < n; r += MYELIN_COL_LANES) {
        const long long i = (long long)r * c + j;
        const float xhat = (x[i] - mu) * inv;
        dx[i] = k * ((float)n * dy[i] - sdy - xhat * sdyx);
    }
    if (threadIdx.y == 0) {
        dgamma[j] = accumulate ? dgamma[j] + sdyx : sdyx;
        dbeta[j] = accumulate ? dbeta[j] + sdy : sdy;
    }
}
