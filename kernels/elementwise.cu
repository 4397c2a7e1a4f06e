// Elementwise unary and binary ops (io.myelin.backend.UnaryOp / BinaryOp).
// fill and copy need no kernel: the Java side uses cuMemsetD32Async and cuMemcpyDtoDAsync.
#include "common.cuh"

// ------------------------------------------------------------------ unary: out[i] = f(x[i]; a, b)
// Each op is a functor f(v, a, b); a and b are used only by the ops that say so.
struct Affine {
    __device__ float operator()(float v, float a, float b) const { return a * v + b; }
};
struct Abs {
    __device__ float operator()(float v, float, float) const { return fabsf(v); }
};
// Like Math.signum: +-0 and NaN map to themselves.
struct Sign {
    __device__ float operator()(float v, float, float) const { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v); }
};
struct Exp {
    __device__ float operator()(float v, float, float) const { return expf(v); }
};
struct Log {
    __device__ float operator()(float v, float, float) const { return logf(v); }
};
struct Sqrt {
    __device__ float operator()(float v, float, float) const { return sqrtf(v); }
};
struct Square {
    __device__ float operator()(float v, float, float) const { return v * v; }
};
struct Reciprocal {
    __device__ float operator()(float v, float, float) const { return 1.0f / v; }
};
// min(max(x, a), b) exactly as Math.min(Math.max(x, a), b): NaN passes through, a > b gives b.
struct Clamp {
    __device__ float operator()(float v, float a, float b) const { return nan_min(nan_max(v, a), b); }
};
struct GreaterThan {
    __device__ float operator()(float v, float a, float) const { return v > a ? 1.0f : 0.0f; }
};

template <typename F>
__device__ __forceinline__ void unary_map(const float* x, float* out, int n, float a, float b) {
    const F f;
    MYELIN_FOR_EACH(i, n) out[i] = f(x[i], a, b);
}

// unary_<op>_f32: x, out: n elements (out may alias x). Launch: elementwise (block 256, grid-stride).
extern "C" __global__ void unary_affine_f32(const float* x, float* out, int n, float a, float b) { unary_map<Affine>(x, out, n, a, b); }
extern "C" __global__ void unary_abs_f32(const float* x, float* out, int n, float a, float b) { unary_map<Abs>(x, out, n, a, b); }
extern "C" __global__ void unary_sign_f32(const float* x, float* out, int n, float a, float b) { unary_map<Sign>(x, out, n, a, b); }
extern "C" __global__ void unary_exp_f32(const float* x, float* out, int n, float a, float b) { unary_map<Exp>(x, out, n, a, b); }
extern "C" __global__ void unary_log_f32(const float* x, float* out, int n, float a, float b) { unary_map<Log>(x, out, n, a, b); }
extern "C" __global__ void unary_sqrt_f32(const float* x, float* out, int n, float a, float b) { unary_map<Sqrt>(x, out, n, a, b); }
extern "C" __global__ void unary_square_f32(const float* x, float* out, int n, float a, float b) { unary_map<Square>(x, out, n, a, b); }
extern "C" __global__ void unary_reciprocal_f32(const float* x, float* out, int n, float a, float b) { unary_map<Reciprocal>(x, out, n, a, b); }
extern "C" __global__ void unary_clamp_f32(const float* x, float* out, int n, float a, float b) { unary_map<Clamp>(x, out, n, a, b); }
extern "C" __global__ void unary_greater_than_f32(const float* x, float* out, int n, float a, float b) { unary_map<GreaterThan>(x, out, n, a, b); }

// ------------------------------------------------------------------ binary: out = x (op) y
struct Add {
    __device__ float operator()(float u, float v) const { return u + v; }
};
struct Sub {
    __device__ float operator()(float u, float v) const { return u - v; }
};
struct Mul {
    __device__ float operator()(float u, float v) const { return u * v; }
};
struct Div {
    __device__ float operator()(float u, float v) const { return u / v; }
};
// NaN-propagating like Math.max / Math.min.
struct Max {
    __device__ float operator()(float u, float v) const { return nan_max(u, v); }
};
struct Min {
    __device__ float operator()(float u, float v) const { return nan_min(u, v); }
};
struct Greater {
    __device__ float operator()(float u, float v) const { return u > v ? 1.0f : 0.0f; }
};

// x, out: (rows, cols) (out may alias x). y by mode: 0 = full (rows, cols), 1 = row vector (1, cols)
// broadcast over rows, 2 = column vector (rows, 1) broadcast over columns (Checks.Broadcast's order).
template <typename F>
__device__ __forceinline__ void binary_map(const float* x, const float* y, float* out, int rows, int cols,
                                           int mode) {
    const F f;
    const long long n = (long long)rows * cols;
    MYELIN_FOR_EACH(i, n) {
        const long long j = mode == 0 ? i : (mode == 1 ? i % cols : i / cols);
        out[i] = f(x[i], y[j]);
    }
}

// binary_<op>_f32: see binary_map. Launch: elementwise over rows*cols (block 256, grid-stride).
extern "C" __global__ void binary_add_f32(const float* x, const float* y, float* out, int rows, int cols, int mode) { binary_map<Add>(x, y, out, rows, cols, mode); }
extern "C" __global__ void binary_sub_f32(const float* x, const float* y, float* out, int rows, int cols, int mode) { binary_map<Sub>(x, y, out, rows, cols, mode); }
extern "C" __global__ void binary_mul_f32(const float* x, const float* y, float* out, int rows, int cols, int mode) { binary_map<Mul>(x, y, out, rows, cols, mode); }
extern "C" __global__ void binary_div_f32(const float* x, const float* y, float* out, int rows, int cols, int mode) { binary_map<Div>(x, y, out, rows, cols, mode); }
extern "C" __global__ void binary_max_f32(const float* x, const float* y, float* out, int rows, int cols, int mode) { binary_map<Max>(x, y, out, rows, cols, mode); }
extern "C" __global__ void binary_min_f32(const float* x, const float* y, float* out, int rows, int cols, int mode) { binary_map<Min>(x, y, out, rows, cols, mode); }
extern "C" __global__ void binary_greater_f32(const float* x, const float* y, float* out, int rows, int cols, int mode) { binary_map<Greater>(x, y, out, rows, cols, mode); }
