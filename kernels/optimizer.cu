// Fused in-place optimizer updates (io.myelin.backend.OptimizerUpdate), one kernel per OptimizerKind.
//
// All kernels share one signature so one launcher serves them:
//   w, g: n elements; s1, s2: state of n elements or null when the kind does not use it
//   (MOMENTUM/NESTEROV s1 = v; RMSPROP s1 = s; ADAM s1 = m, s2 = v; ADAMAX s1 = m, s2 = u).
//   corr1, corr2: bias-correction denominators computed on the host in double:
//     ADAM corr1 = 1 - b1^t, corr2 = 1 - b2^t; ADAMAX corr1 = 1 - b1^t;
//     MOMENTUM corr1 = 1 - mu^t when ewa && biasCorrection, else 1.
// Every kind uses the effective gradient g' = gradScale*g + l1*sign(w) + 2*l2*w and the decoupled
// weight decay lr*weightDecay*w, both from the weight before this update (as AdamW does).
// Launch (all): elementwise, block 256, grid-stride.
#include "common.cuh"

#define OPTIMIZER_PARAMS                                                                            \
    float *w, const float *g, float *s1, float *s2, int n, float lr, float momentum, float beta1,  \
        float beta2, float rho, float eps, float l1, float l2, float weightDecay, float gradScale,  \
        int ewa, float corr1, float corr2

__device__ __forceinline__ float signf(float v) {
    return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f);
}

__device__ __forceinline__ float effective_grad(float w, float g, float l1, float l2, float gradScale) {
    return gradScale * g + l1 * signf(w) + 2.0f * l2 * w;
}

// w -= lr*g'
extern "C" __global__ void sgd_update_f32(OPTIMIZER_PARAMS) {
    MYELIN_FOR_EACH(i, n) {
        const float w0 = w[i];
        const float gp = effective_grad(w0, g[i], l1, l2, gradScale);
        w[i] = w0 - lr * weightDecay * w0 - lr * gp;
    }
}

// v = mu*v + g' (ewa: v = mu*v + (1-mu)*g'); w -= lr*v/corr1
extern "C" __global__ void momentum_update_f32(OPTIMIZER_PARAMS) {
    MYELIN_FOR_EACH(i, n) {
        const float w0 = w[i];
        const float gp = effective_grad(w0, g[i], l1, l2, gradScale);
        const float v = momentum * s1[i] + (ewa ? (1.0f - momentum) * gp : gp);
        s1[i] = v;
        w[i] = w0 - (lr / corr1) * v - lr * weightDecay * w0;
    }
}

// v = mu*v + g'; w -= lr*(g' + mu*v)
extern "C" __global__ void nesterov_update_f32(OPTIMIZER_PARAMS) {
    MYELIN_FOR_EACH(i, n) {
        const float w0 = w[i];
        const float gp = effective_grad(w0, g[i], l1, l2, gradScale);
        const float v = momentum * s1[i] + gp;
        s1[i] = v;
        w[i] = w0 - lr * weightDecay * w0 - lr * (gp + momentum * v);
    }
}

// s = rho*s + (1-rho)*g'^2; w -= lr*g'/(sqrt(s) + eps)
extern "C" __global__ void rmsprop_update_f32(OPTIMIZER_PARAMS) {
    MYELIN_FOR_EACH(i, n) {
        const float w0 = w[i];
        const float gp = effective_grad(w0, g[i], l1, l2, gradScale);
        const float s = rho * s1[i] + (1.0f - rho) * gp * gp;
        s1[i] = s;
        w[i] = w0 - lr * weightDecay * w0 - lr * gp / (sqrtf(s) + eps);
    }
}

// m = b1*m + (1-b1)*g'; v = b2*v + (1-b2)*g'^2; w -= (lr/corr1)*m/(sqrt(v)/sqrt(corr2) + eps)
// (PyTorch's arrangement of lr*mhat/(sqrt(vhat)+eps); the CPU twin computes the same two factors in float)
extern "C" __global__ void adam_update_f32(OPTIMIZER_PARAMS) {
    const float stepSize = lr / corr1;
    const float invSqrtCorr2 = 1.0f / sqrtf(corr2);
    MYELIN_FOR_EACH(i, n) {
        const float w0 = w[i];
        const float gp = effective_grad(w0, g[i], l1, l2, gradScale);
        const float m = beta1 * s1[i] + (1.0f - beta1) * gp;
        const float v = beta2 * s2[i] + (1.0f - beta2) * gp * gp;
        s1[i] = m;
        s2[i] = v;
        w[i] = w0 - stepSize * m / (sqrtf(v) * invSqrtCorr2 + eps) - lr * weightDecay * w0;
    }
}

// m = b1*m + (1-b1)*g'; u = max(b2*u, |g'|); w -= (lr/corr1)*m/(u + eps)
extern "C" __global__ void adamax_update_f32(OPTIMIZER_PARAMS) {
    MYELIN_FOR_EACH(i, n) {
        const float w0 = w[i];
        const float gp = effective_grad(w0, g[i], l1, l2, gradScale);
        const float m = beta1 * s1[i] + (1.0f - beta1) * gp;
        const float u = nan_max(beta2 * s2[i], fabsf(gp));
        s1[i] = m;
        s2[i] = u;
        w[i] = w0 - lr * weightDecay * w0 - (lr / corr1) * m / (u + eps);
    }
}
