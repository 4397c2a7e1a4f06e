// Pointwise activations (io.myelin.backend.Activation) and PReLU, forward and backward side by side.
// Formulas follow FEATURES.md; p is the scalar parameter (leaky slope, ELU alpha, swish beta), ignored
// by the activations that have none.
#include "common.cuh"

#define SELU_ALPHA 1.6732632f
#define SELU_SCALE 1.0507010f
#define INV_SQRT2 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f
#define SQRT_2_OVER_PI 0.79788456080286536f
#define GELU_TANH_C 0.044715f

// Stable logistic: never evaluates e^x for large positive x.
__device__ __forceinline__ float sigmoidf(float x) {
    if (x >= 0.0f) return 1.0f / (1.0f + expf(-x));
    const float e = expf(x);
    return e / (1.0f + e);
}

// Each activation is a pair: fwd(x, p) -> y and bwd(x, y, dy, p) -> dx = dy * f'(x).
struct Linear {
    static __device__ float fwd(float x, float) { return x; }
    static __device__ float bwd(float, float, float g, float) { return g; }
};
// step: 1 if x >= 0 else 0; its derivative is 0 (used for prediction only).
struct Step {
    static __device__ float fwd(float x, float) { return x >= 0.0f ? 1.0f : 0.0f; }
    static __device__ float bwd(float, float, float, float) { return 0.0f; }
};
struct Sigmoid {
    static __device__ float fwd(float x, float) { return sigmoidf(x); }
    static __device__ float bwd(float, float y, float g, float) { return g * y * (1.0f - y); }
};
struct Tanh {
    static __device__ float fwd(float x, float) { return tanhf(x); }
    // (1 - y)(1 + y), not 1 - y*y: no cancellation near |y| = 1 and no fma contraction, as on the CPU
    static __device__ float bwd(float, float y, float g, float) { return g * ((1.0f - y) * (1.0f + y)); }
};
// relu: the derivative at 0 is 0.
struct Relu {
    static __device__ float fwd(float x, float) { return x > 0.0f ? x : 0.0f; }
    static __device__ float bwd(float x, float, float g, float) { return x > 0.0f ? g : 0.0f; }
};
struct LeakyRelu {
    static __device__ float fwd(float x, float p) { return x > 0.0f ? x : p * x; }
    static __device__ float bwd(float x, float, float g, float p) { return x > 0.0f ? g : p * g; }
};
// elu: alpha*(e^x - 1) below 0; derivative alpha*e^x there.
struct Elu {
    static __device__ float fwd(float x, float p) { return x > 0.0f ? x : p * expm1f(x); }
    static __device__ float bwd(float x, float, float g, float p) { return x > 0.0f ? g : g * p * expf(x); }
};
// selu: scale*elu(x, alpha) with the fixed constants of Klambauer et al.
struct Selu {
    static __device__ float fwd(float x, float) {
        return SELU_SCALE * (x > 0.0f ? x : SELU_ALPHA * expm1f(x));
    }
    static __device__ float bwd(float x, float, float g, float) {
        return g * SELU_SCALE * (x > 0.0f ? 1.0f : SELU_ALPHA * expf(x));
    }
};
// gelu (exact, erf): x*Phi(x); derivative Phi(x) + x*phi(x). Phi(x) = erfc(-x/sqrt2)/2 as on the CPU:
// 1 + erf(x/sqrt2) cancels to 0 in the lower tail (x < -5) and loses every digit.
struct Gelu {
    static __device__ float fwd(float x, float) { return x * (0.5f * erfcf(-x * INV_SQRT2)); }
    static __device__ float bwd(float x, float, float g, float) {
        const float cdf = 0.5f * erfcf(-x * INV_SQRT2);
        return g * (cdf + x * INV_SQRT_2PI * expf(-0.5f * x * x));
    }
};
// gelu (tanh approximation): 0.5x(1 + tanh(u)), u = sqrt(2/pi)(x + 0.044715x^3);
// derivative 0.5(1 + t) + 0.5x(1 - t^2) sqrt(2/pi)(1 + 3*0.044715x^2). In float, 1 + tanh(u) cancels in the
// lower tail (x < -3), so with s = sigmoid(2u) = (1 + t)/2 and 1 - t^2 = 4s(1 - s): y = x*s and
// dy/dx = s + 2x*s(1 - s)*du, accurate in both tails (the CPU computes the tanh form in double).
struct GeluTanh {
    static __device__ float fwd(float x, float) {
        return x * sigmoidf(2.0f * SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x));
    }
    static __device__ float bwd(float x, float, float g, float) {
        const float s = sigmoidf(2.0f * SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x));
        const float du = SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_TANH_C * x * x);
        return g * (s + 2.0f * x * s * (1.0f - s) * du);
    }
};
// swish: x*sigmoid(beta*x); derivative s + beta*x*s*(1 - s).
struct Swish {
    static __device__ float fwd(float x, float p) { return x * sigmoidf(p * x); }
    static __device__ float bwd(float x, float, float g, float p) {
        const float s = sigmoidf(p * x);
        return g * (s + p * x * s * (1.0f - s));
    }
};

template <typename A>
__device__ __forceinline__ void activation_fwd(const float* x, float* y, int n, float p) {
    MYELIN_FOR_EACH(i, n) y[i] = A::fwd(x[i], p);
}

template <typename A>
__device__ __forceinline__ void activation_bwd(const float* x, const float* y, const float* dy, float* dx,
                                               int n, float p) {
    MYELIN_FOR_EACH(i, n) dx[i] = A::bwd(x[i], y[i], dy[i], p);
}

// <name>_fwd_f32: x, y: n elements (y may alias x); y = f(x).
// <name>_bwd_f32: x, y (forward output), dy, dx: n elements (dx may alias dy); dx = dy * f'(x).
// Launch (both): elementwise, block 256, grid-stride.
extern "C" __global__ void linear_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<Linear>(x, y, n, p); }
extern "C" __global__ void linear_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<Linear>(x, y, dy, dx, n, p); }
extern "C" __global__ void step_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<Step>(x, y, n, p); }
extern "C" __global__ void step_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<Step>(x, y, dy, dx, n, p); }
extern "C" __global__ void sigmoid_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<Sigmoid>(x, y, n, p); }
extern "C" __global__ void sigmoid_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<Sigmoid>(x, y, dy, dx, n, p); }
extern "C" __global__ void tanh_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<Tanh>(x, y, n, p); }
extern "C" __global__ void tanh_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<Tanh>(x, y, dy, dx, n, p); }
extern "C" __global__ void relu_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<Relu>(x, y, n, p); }
extern "C" __global__ void relu_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<Relu>(x, y, dy, dx, n, p); }
extern "C" __global__ void leaky_relu_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<LeakyRelu>(x, y, n, p); }
extern "C" __global__ void leaky_relu_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<LeakyRelu>(x, y, dy, dx, n, p); }
extern "C" __global__ void elu_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<Elu>(x, y, n, p); }
extern "C" __global__ void elu_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<Elu>(x, y, dy, dx, n, p); }
extern "C" __global__ void selu_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<Selu>(x, y, n, p); }
extern "C" __global__ void selu_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<Selu>(x, y, dy, dx, n, p); }
extern "C" __global__ void gelu_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<Gelu>(x, y, n, p); }
extern "C" __global__ void gelu_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<Gelu>(x, y, dy, dx, n, p); }
extern "C" __global__ void gelu_tanh_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<GeluTanh>(x, y, n, p); }
extern "C" __global__ void gelu_tanh_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<GeluTanh>(x, y, dy, dx, n, p); }
extern "C" __global__ void swish_fwd_f32(const float* x, float* y, int n, float p) { activation_fwd<Swish>(x, y, n, p); }
extern "C" __global__ void swish_bwd_f32(const float* x, const float* y, const float* dy, float* dx, int n, float p) { activation_bwd<Swish>(x, y, dy, dx, n, p); }

// ------------------------------------------------------------------ PReLU
// prelu_fwd_f32: x, y (rows, cols), alpha (1, cols); y = x > 0 ? x : alpha[j]*x (y may alias x).
// Launch: elementwise over rows*cols (block 256, grid-stride).
extern "C" __global__ void prelu_fwd_f32(const float* x, const float* alpha, float* y, int rows, int cols) {
    const long long n = (long long)rows * cols;
    MYELIN_FOR_EACH(i, n) {
        const float v = x[i];
        y[i] = v > 0.0f ? v : alpha[i % cols] * v;
    }
}

// prelu_bwd_f32: x, dy, dx (rows, cols), alpha, dalpha (1, cols).
// dx = dy * (x > 0 ? 1 : alpha[j]) (assigned); dalpha[j] = sum_i dy*x*(x <= 0), added to dalpha when
// accumulate != 0. A block owns whole columns, so it writes dx and the column's dalpha in one pass.
// Launch: column-wise, block (32, 16), grid ceil(cols/32).
extern "C" __global__ void prelu_bwd_f32(const float* x, const float* alpha, const float* dy, float* dx,
                                         float* dalpha, int rows, int cols, int accumulate) {
    __shared__ float tile[MYELIN_COL_LANES * (MYELIN_COL_TILE + 1)];
    const int c = blockIdx.x * MYELIN_COL_TILE + threadIdx.x;
    float acc = 0.0f;
    if (c < cols) {
        const float a = alpha[c];
        for (int r = threadIdx.y; r < rows; r += MYELIN_COL_LANES) {
            const long long i = (long long)r * cols + c;
            const float v = x[i];
            const float g = dy[i];
            dx[i] = v > 0.0f ? g : a * g;
            if (!(v > 0.0f)) acc += g * v;   // NaN x counts (and poisons dalpha), as on the CPU
        }
    }
    const float total = column_sum(acc, tile);
    if (c < cols && threadIdx.y == 0) dalpha[c] = accumulate ? dalpha[c] + total : total;
}
