// Max and average pooling over channels-first images, and the batched transpose that turns (n, C, H*W)
// into (n, H*W, C) for per-channel batch norm. Batches are (n, C*H*W). Windows are clipped to the image:
// padding never wins a max and is not counted in a mean. Geometry arguments, always in this order:
// C, H, W, kh, kw, sh, sw, pt, pl, OH, OW (ConvGeometry). Launch: elementwise (block 256, grid-stride).
#include "common.cuh"

#define GEOMETRY int C, int H, int W, int kh, int kw, int sh, int sw, int pt, int pl, int OH, int OW

// The first window index o with o*s >= t (t = position + pad - window + 1): ceil(t / s), at least 0.
__device__ __forceinline__ int first_window(int t, int s) {
    return t <= 0 ? 0 : (t + s - 1) / s;
}

// maxpool_fwd_f32: y (n, C*OH*OW) = window maxima; argmax (same shape, may be null) = h*W + w of the first
// maximum in row-major window order. NaN wins over any number (the first NaN). One thread per output.
extern "C" __global__ void maxpool_fwd_f32(const float* x, float* y, float* argmax, int n, GEOMETRY) {
    const long long P = (long long)OH * OW;
    const long long total = (long long)n * C * P;
    MYELIN_FOR_EACH(i, total) {
        const long long plane = i / P;
        const int p = (int)(i - plane * P);
        const int oh = p / OW, ow = p - oh * OW;
        const int h0 = max(0, oh * sh - pt), h1 = min(H, oh * sh - pt + kh);
        const int w0 = max(0, ow * sw - pl), w1 = min(W, ow * sw - pl + kw);
        const float* xp = x + plane * H * W;
        int best = h0 * W + w0;
        float bv = xp[best];
        bool done = bv != bv;
        for (int ih = h0; ih < h1 && !done; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                const float v = xp[ih * W + iw];
                if (v > bv || v != v) {
                    bv = v;
                    best = ih * W + iw;
                    if (v != v) {
                        done = true;
                        break;
                    }
                }
            }
        }
        y[i] = bv;
        if (argmax) argmax[i] = (float)best;
    }
}

// maxpool_bwd_f32: dx (n, C*H*W) assigned: each input pixel sums dy over the windows whose argmax is it.
// One thread per input pixel (a gather over the windows containing it: deterministic, no atomics).
extern "C" __global__ void maxpool_bwd_f32(const float* dy, const float* argmax, float* dx, int n, GEOMETRY) {
    const long long plane = (long long)H * W;
    const long long P = (long long)OH * OW;
    const long long total = (long long)n * C * plane;
    MYELIN_FOR_EACH(i, total) {
        const long long pl_ = i / plane;
        const int pix = (int)(i - pl_ * plane);
        const int ih = pix / W, iw = pix - ih * W;
        const int ohLo = first_window(ih + pt - kh + 1, sh);
        const int owLo = first_window(iw + pl - kw + 1, sw);
        const int ohHi = min(OH - 1, (ih + pt) / sh);
        const int owHi = min(OW - 1, (iw + pl) / sw);
        float s = 0.0f;
        for (int oh = ohLo; oh <= ohHi; oh++) {
            if (ih < oh * sh - pt || ih >= oh * sh - pt + kh) continue;
            for (int ow = owLo; ow <= owHi; ow++) {
                if (iw < ow * sw - pl || iw >= ow * sw - pl + kw) continue;
                const long long o = pl_ * P + (long long)oh * OW + ow;
                if ((int)argmax[o] == pix) s += dy[o];
            }
        }
        dx[i] = s;
    }
}

// avgpool_fwd_f32: y (n, C*OH*OW) = mean of the in-image x of each window. One thread per output.
extern "C" __global__ void avgpool_fwd_f32(const float* x, float* y, int n, GEOMETRY) {
    const long long P = (long long)OH * OW;
    const long long total = (long long)n * C * P;
    MYELIN_FOR_EACH(i, total) {
        const long long plane = i / P;
        const int p = (int)(i - plane * P);
        const int oh = p / OW, ow = p - oh * OW;
        const int h0 = max(0, oh * sh - pt), h1 = min(H, oh * sh - pt + kh);
        const int w0 = max(0, ow * sw - pl), w1 = min(W, ow * sw - pl + kw);
        const float* xp = x + plane * H * W;
        float s = 0.0f;
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) s += xp[ih * W + iw];
        }
        y[i] = s / (float)((h1 - h0) * (w1 - w0));
    }
}

// avgpool_bwd_f32: dx (n, C*H*W) assigned: each input pixel sums dy / count over the windows containing
// it. One thread per input pixel.
extern "C" __global__ void avgpool_bwd_f32(const float* dy, float* dx, int n, GEOMETRY) {
    const long long plane = (long long)H * W;
    const long long P = (long long)OH * OW;
    const long long total = (long long)n * C * plane;
    MYELIN_FOR_EACH(i, total) {
        const long long pl_ = i / plane;
        const int pix = (int)(i - pl_ * plane);
        const int ih = pix / W, iw = pix - ih * W;
        const int ohLo = first_window(ih + pt - kh + 1, sh);
        const int owLo = first_window(iw + pl - kw + 1, sw);
        const int ohHi = min(OH - 1, (ih + pt) / sh);
        const int owHi = min(OW - 1, (iw + pl) / sw);
        float s = 0.0f;
        for (int oh = ohLo; oh <= ohHi; oh++) {
            const int h0 = oh * sh - pt;
            if (ih < h0 || ih >= h0 + kh) continue;
            const int hc = min(H, h0 + kh) - max(0, h0);
            for (int ow = owLo; ow <= owHi; ow++) {
                const int w0 = ow * sw - pl;
                if (iw < w0 || iw >= w0 + kw) continue;
                const int wc = min(W, w0 + kw) - max(0, w0);
                s += dy[pl_ * P + (long long)oh * OW + ow] / (float)(hc * wc);
            }
        }
        dx[i] = s;
    }
}

// batch_transpose_f32: x holds count (rows, cols) matrices; out[b, j, i] = x[b, i, j]. One thread per
// output element.
extern "C" __global__ void batch_transpose_f32(const float* x, float* out, int count, int rows, int cols) {
    const long long plane = (long long)rows * cols;
    const long long total = (long long)count * plane;
    MYELIN_FOR_EACH(o, total) {
        const long long b = o / plane;
        const long long rest = o - b * plane;
        const long long j = rest / rows;
        const long long i = rest - j * rows;
        out[o] = x[b * plane + i * cols + j];
    }
}
