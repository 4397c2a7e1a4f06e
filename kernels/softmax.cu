// Row softmax and the fused softmax + cross-entropy (forward and backward) for one-hot / soft labels
// (n, k) and sparse class indices (n, 1).
#include "common.cuh"

// Row statistics of logits row x[0..cols): the max m and s = sum_j e^(x_j - m). One warp per row.
__device__ __forceinline__ void row_max_sumexp(const float* x, int cols, int lane, float& m, float& s) {
    m = -INFINITY;
    for (int j = lane; j < cols; j += MYELIN_WARP) m = nan_max(m, x[j]);
    m = warp_max(m);
    s = 0.0f;
    for (int j = lane; j < cols; j += MYELIN_WARP) s += expf(x[j] - m);
    s = warp_sum(s);
}

// softmax_fwd_f32: x, y (rows, cols); y = e^(x - max) / sum, row by row.
// Launch: row-wise, block 256 (8 warps, one row each), grid ceil(rows/8).
extern "C" __global__ void softmax_fwd_f32(const float* x, float* y, int rows, int cols) {
    const int r = warp_row();
    if (r >= rows) return;  // uniform per warp, so the shuffles below stay convergent
    const int lane = lane_id();
    const float* xr = x + (long long)r * cols;
    float* yr = y + (long long)r * cols;
    float m, s;
    row_max_sumexp(xr, cols, lane, m, s);
    const float inv = 1.0f / s;
    for (int j = lane; j < cols; j += MYELIN_WARP) yr[j] = expf(xr[j] - m) * inv;
}

// softmax_xent_fwd_f32: logits, labels, probs (rows, cols); loss (rows, 1).
// probs = softmax(logits); loss = sum_j y_j * ((m - x_j) + log(s)), i.e. -sum y log p computed from the
// log-sum-exp, with m - x_j formed first: m + log(s) rounded at |m| ~ 1000 would lose ~3e-5 (6e-5 ulp).
// Zero labels contribute nothing (even where x_j = -inf).
// Launch: row-wise, block 256, grid ceil(rows/8).
extern "C" __global__ void softmax_xent_fwd_f32(const float* logits, const float* labels, float* probs,
                                                float* loss, int rows, int cols) {
    const int r = warp_row();
    if (r >= rows) return;
    const int lane = lane_id();
    const long long off = (long long)r * cols;
    const float* xr = logits + off;
    const float* yr = labels + off;
    float m, s;
    row_max_sumexp(xr, cols, lane, m, s);
    const float inv = 1.0f / s;
    const float ls = logf(s);
    float l = 0.0f;
    for (int j = lane; j < cols; j += MYELIN_WARP) {
        const float v = xr[j];
        probs[off + j] = expf(v - m) * inv;
        const float t = yr[j];
        if (t != 0.0f) l += t * ((m - v) + ls);
    }
    l = warp_sum(l);
    if (lane == 0) loss[r] = l;
}

// softmax_xent_sparse_fwd_f32: logits, probs (rows, cols); labels, loss (rows, 1) with labels holding
// class indices as floats. loss = (m - x[label]) + log(s); a label that is not a whole number in [0, cols)
// gives a NaN loss (a kernel
// cannot throw; the NaN makes the bad label visible in the reported loss).
// Launch: row-wise, block 256, grid ceil(rows/8).
extern "C" __global__ void softmax_xent_sparse_fwd_f32(const float* logits, const float* labels, float* probs,
                                                       float* loss, int rows, int cols) {
    const int r = warp_row();
    if (r >= rows) return;
    const int lane = lane_id();
    const long long off = (long long)r * cols;
    const float* xr = logits + off;
    float m, s;
    row_max_sumexp(xr, cols, lane, m, s);
    const float inv = 1.0f / s;
    for (int j = lane; j < cols; j += MYELIN_WARP) probs[off + j] = expf(xr[j] - m) * inv;
    if (lane == 0) {
        const float f = labels[r];
        const int k = (int)f;
        loss[r] = (f >= 0.0f && f < (float)cols && f == floorf(f)) ? (m - xr[k]) + logf(s) : NAN;
    }
}

// softmax_xent_bwd_f32: probs, labels, dlogits (rows, cols) as n elements; dlogits = scale*(p - y).
// Launch: elementwise, block 256, grid-stride.
extern "C" __global__ void softmax_xent_bwd_f32(const float* probs, const float* labels, float* dlogits,
                                                int n, float scale) {
    MYELIN_FOR_EACH(i, n) dlogits[i] = scale * (probs[i] - labels[i]);
}

// softmax_xent_sparse_bwd_f32: probs, dlogits (rows, cols); labels (rows, 1) class indices;
// dlogits = scale*(p - onehot(label)); a label outside [0, cols) (or not a whole number) makes the row NaN,
// as the forward's loss (the CPU backend throws). Launch: elementwise over rows*cols, block 256, grid-stride.
extern "C" __global__ void softmax_xent_sparse_bwd_f32(const float* probs, const float* labels, float* dlogits,
                                                       int rows, int cols, float scale) {
    const long long n = (long long)rows * cols;
    MYELIN_FOR_EACH(i, n) {
        const long long r = i / cols;
        const int c = (int)(i - r * cols);
        const float f = labels[r];
        const bool valid = f >= 0.0f && f < (float)cols && f == floorf(f);
        const float y = (int)f == c ? 1.0f : 0.0f;
        dlogits[i] = valid ? scale * (probs[i] - y) : NAN;
    }
}
