// Shared helpers for Myelin's CUDA kernels: launch constants, grid-stride loops, warp and block
// reductions, and the Philox4x32-10 generator used by dropout.cu.
//
// Conventions for every kernel in kernels/*.cu:
//  * float32, row-major; a tensor is viewed as (rows, cols) and indexed i = r*cols + c.
//  * Element counts fit in int (the Java side caps tensors at 2^31-9 elements); loop indices are
//    64-bit so a grid-stride step never overflows.
//  * The launch configuration is chosen by the Java launcher (io.myelin.backend.cuda.KernelLauncher):
//      elementwise:      block 256 threads, grid min(ceil(n/256), 2^20) (grid-stride loop)
//      row-wise (warp):  block 256 threads = 8 warps, one warp per row, grid ceil(rows/8)
//      column-wise:      block (32, 16), one block per 32 columns, grid ceil(cols/32)
//      per-output block: block 256 threads, one block per output (conv_bias_grad_f32: one per filter)
#pragma once

#include <cstdint>

#define MYELIN_BLOCK 256
#define MYELIN_WARP 32
// Column kernels: threadIdx.x picks the column inside a 32-column tile, threadIdx.y strides over rows.
#define MYELIN_COL_TILE 32
#define MYELIN_COL_LANES 16

// Grid-stride loop over [0, n) with a 64-bit index.
#define MYELIN_FOR_EACH(i, n)                                                              \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
         i += (long long)blockDim.x * gridDim.x)

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = MYELIN_WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// Whether the sign bit of f is set (-0 included).
__device__ __forceinline__ bool sign_bit(float f) {
    return (__float_as_uint(f) >> 31) != 0u;
}

// Max that propagates NaN like java.lang.Math.max (fmaxf would drop it), with +0 above -0 as there.
__device__ __forceinline__ float nan_max(float a, float b) {
    return (a != a || a > b || (a == b && !sign_bit(a))) ? a : b;
}

// Min that propagates NaN like java.lang.Math.min, with -0 below +0 as there.
__device__ __forceinline__ float nan_min(float a, float b) {
    return (a != a || a < b || (a == b && sign_bit(a))) ? a : b;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = MYELIN_WARP / 2; o > 0; o >>= 1) v = nan_max(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Arg-max pair combine: the larger value wins, ties go to the smaller index (the first occurrence, as a
// sequential scan with `>` finds it). Callers start from (-inf, INT_MAX) for empty lanes.
__device__ __forceinline__ void argmax_combine(float& v, int& idx, float ov, int oidx) {
    if (ov > v || (ov == v && oidx < idx)) {
        v = ov;
        idx = oidx;
    }
}

__device__ __forceinline__ void warp_argmax(float& v, int& idx) {
#pragma unroll
    for (int o = MYELIN_WARP / 2; o > 0; o >>= 1) {
        float ov = __shfl_xor_sync(0xffffffffu, v, o);
        int oi = __shfl_xor_sync(0xffffffffu, idx, o);
        argmax_combine(v, idx, ov, oi);
    }
}

// Reduction over threadIdx.y of a (MYELIN_COL_LANES x MYELIN_COL_TILE) block with an associative
// combine f; every thread of a column gets the result. `tile` is shared scratch of
// MYELIN_COL_LANES * (MYELIN_COL_TILE + 1) floats (+1 avoids bank conflicts). Contains __syncthreads:
// call it from every thread of the block.
template <typename F>
__device__ __forceinline__ float column_reduce(float v, float* tile, F f) {
    const int tx = threadIdx.x, ty = threadIdx.y;
    tile[ty * (MYELIN_COL_TILE + 1) + tx] = v;
    __syncthreads();
    for (int s = MYELIN_COL_LANES / 2; s > 0; s >>= 1) {
        if (ty < s) {
            float* mine = &tile[ty * (MYELIN_COL_TILE + 1) + tx];
            *mine = f(*mine, tile[(ty + s) * (MYELIN_COL_TILE + 1) + tx]);
        }
        __syncthreads();
    }
    const float r = tile[tx];
    __syncthreads();  // the tile may be reused right after
    return r;
}

struct SumOp {
    __device__ float operator()(float a, float b) const { return a + b; }
};

__device__ __forceinline__ float column_sum(float v, float* tile) {
    return column_reduce(v, tile, SumOp());
}

// Index of the warp (one row per warp) and the lane inside it, for row-wise kernels.
__device__ __forceinline__ int warp_row() {
    return (int)(((long long)blockIdx.x * blockDim.x + threadIdx.x) / MYELIN_WARP);
}
__device__ __forceinline__ int lane_id() {
    return threadIdx.x & (MYELIN_WARP - 1);
}

// Philox4x32-10 (Salmon et al. SC'11), bit-identical to io.myelin.random.Philox#block:
// counter (c0..c3), key (k0, k1) -> 4 words; the key is bumped before rounds 1..9.
struct philox4 {
    uint32_t w[4];
};

__device__ __forceinline__ philox4 philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                                                 uint32_t k0, uint32_t k1) {
    const uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
#pragma unroll
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k0 += W0;
            k1 += W1;
        }
        uint32_t hi0 = __umulhi(M0, c0), lo0 = M0 * c0;
        uint32_t hi1 = __umulhi(M1, c2), lo1 = M1 * c2;
        uint32_t n0 = hi1 ^ c1 ^ k0;
        uint32_t n2 = hi0 ^ c3 ^ k1;
        c0 = n0;
        c1 = lo1;
        c2 = n2;
        c3 = lo0;
    }
    philox4 out;
    out.w[0] = c0;
    out.w[1] = c1;
    out.w[2] = c2;
    out.w[3] = c3;
    return out;
}
