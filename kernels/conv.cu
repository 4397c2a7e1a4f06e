// Convolution as im2col + cuBLAS GEMM over chunks of images (the Java side, CudaBackend.conv2d*, runs
// the GEMMs). Images are channels-first: a batch (n, C*H*W). A chunk of nb images starting at image i0
// is unfolded into cols (K, nb*P) with K = C*kh*kw and P = OH*OW: row (c*kh + a)*kw + b, column
// img*P + p holds the pixel tap (c, a, b) sees at output position p (0 outside the image).
//   forward:  out (f, nb*P) = W (f, K) . cols             -> conv_scatter_f32 writes y (n, f*P) + bias
//   backward: dyT (f, nb*P) = conv_gather_f32(dy);  dW += dyT . cols^T;  dcols = W^T . dyT -> col2im
// Geometry arguments, always in this order: C, H, W, kh, kw, sh, sw, pt, pl, OH, OW (ConvGeometry).
// Launch: elementwise (block 256, grid-stride) for all but conv_bias_grad_f32 (one block of 256 per
// filter).
#include "common.cuh"

#define GEOMETRY int C, int H, int W, int kh, int kw, int sh, int sw, int pt, int pl, int OH, int OW

// im2col_f32: cols (C*kh*kw, nb*OH*OW) from images [i0, i0+nb) of x (n, C*H*W). One thread per entry.
extern "C" __global__ void im2col_f32(const float* x, float* cols, int i0, int nb, GEOMETRY) {
    const long long P = (long long)OH * OW;
    const long long ld = (long long)nb * P;
    const long long total = (long long)C * kh * kw * ld;
    MYELIN_FOR_EACH(i, total) {
        const long long row = i / ld;
        const long long col = i - row * ld;
        const int img = (int)(col / P);
        const int p = (int)(col - (long long)img * P);
        const int oh = p / OW, ow = p - oh * OW;
        const int b = (int)(row % kw);
        const int a = (int)((row / kw) % kh);
        const int c = (int)(row / ((long long)kw * kh));
        const int ih = oh * sh - pt + a;
        const int iw = ow * sw - pl + b;
        float v = 0.0f;
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
            v = x[((long long)(i0 + img) * C + c) * H * W + (long long)ih * W + iw];
        }
        cols[i] = v;
    }
}

// col2im_f32: dx images [i0, i0+nb) (assigned) from dcols (C*kh*kw, nb*OH*OW): each input pixel sums
// the entries of the taps that read it. One thread per input pixel (a gather: no atomics, and the
// order of the sum is fixed).
extern "C" __global__ void col2im_f32(const float* dcols, float* dx, int i0, int nb, GEOMETRY) {
    const long long P = (long long)OH * OW;
    const long long ld = (long long)nb * P;
    const long long plane = (long long)H * W;
    const long long total = (long long)nb * C * plane;
    MYELIN_FOR_EACH(i, total) {
        const int img = (int)(i / (C * plane));
        const long long rest = i - (long long)img * C * plane;
        const int c = (int)(rest / plane);
        const int pix = (int)(rest - (long long)c * plane);
        const int ih = pix / W, iw = pix - ih * W;
        float s = 0.0f;
        for (int a = 0; a < kh; a++) {
            const int t = ih + pt - a;
            if (t < 0 || t % sh != 0) continue;
            const int oh = t / sh;
            if (oh >= OH) continue;
            for (int b = 0; b < kw; b++) {
                const int u = iw + pl - b;
                if (u < 0 || u % sw != 0) continue;
                const int ow = u / sw;
                if (ow >= OW) continue;
                const long long row = ((long long)c * kh + a) * kw + b;
                s += dcols[row * ld + (long long)img * P + (long long)oh * OW + ow];
            }
        }
        dx[(long long)(i0 + img) * C * plane + rest] = s;
    }
}

// conv_scatter_f32: y[(i0+img), o, p] = chunk[o, img*P + p] (+ bias[o] when bias is not null);
// chunk (f, nb*P).
extern "C" __global__ void conv_scatter_f32(const float* chunk, const float* bias, float* y, int f, int P,
                                            int i0, int nb) {
    const long long ld = (long long)nb * P;
    const long long total = (long long)f * ld;
    MYELIN_FOR_EACH(i, total) {
        const int img = (int)(i / ((long long)f * P));
        const long long rest = i - (long long)img * f * P;
        const int o = (int)(rest / P);
        const int p = (int)(rest - (long long)o * P);
        const float v = chunk[(long long)o * ld + (long long)img * P + p];
        y[(long long)(i0 + img) * f * P + rest] = bias ? v + bias[o] : v;
    }
}

// conv_gather_f32: dyT[o, img*P + p] = dy[(i0+img), o, p]; dyT (f, nb*P).
extern "C" __global__ void conv_gather_f32(const float* dy, float* dyT, int f, int P, int i0, int nb) {
    const long long ld = (long long)nb * P;
    const long long total = (long long)f * ld;
    MYELIN_FOR_EACH(i, total) {
        const int o = (int)(i / ld);
        const long long col = i - (long long)o * ld;
        const int img = (int)(col / P);
        const int p = (int)(col - (long long)img * P);
        dyT[i] = dy[((long long)(i0 + img) * f + o) * P + p];
    }
}

// conv_bias_grad_f32: dbias[o] (+)= sum over samples and positions of dy (n, f*P). One block of 256
// threads per filter o (grid f); a block-wide tree sum in shared memory.
extern "C" __global__ void conv_bias_grad_f32(const float* dy, float* dbias, int n, int f, int P, int accumulate) {
    __shared__ float part[MYELIN_BLOCK];
    const int o = blockIdx.x;
    const long long total = (long long)n * P;
    float s = 0.0f;
    for (long long j = threadIdx.x; j < total; j += blockDim.x) {
        const long long img = j / P;
        const long long p = j - img * P;
        s += dy[(img * f + o) * P + p];
    }
    part[threadIdx.x] = s;
    __syncthreads();
    for (int w = MYELIN_BLOCK / 2; w > 0; w >>= 1) {
        if (threadIdx.x < w) part[threadIdx.x] += part[threadIdx.x + w];
        __syncthreads();
    }
    if (threadIdx.x == 0) dbias[o] = accumulate ? dbias[o] + part[0] : part[0];
}
