// Lets g++ compile CUDA kernel sources (kernels/*.cu) unchanged as C++ for the CUDA emulator.
//
// Every thread of a block runs the kernel function as a fiber on the emulator's thread (scheduler.cpp);
// threadIdx / blockIdx / blockDim / gridDim are globals the scheduler sets at every fiber switch.
// __shared__ variables are function-local statics in the section EMU_SHARED_SECTION (one per module, named by
// the generated module file), refilled with 0xFF bytes (a NaN as float) at the start of every block.
// __syncthreads and the warp intrinsics are calls into the scheduler that name their call site (file:line).
// Atomics are plain read-modify-writes: only one fiber runs at a time and no fiber is preempted.
// Host math (<cmath>) stands in for the device math library; nvcc contracts a*b+c into fma by default,
// the emulator's kernels are compiled with -ffp-contract=off, so results may differ in the last bits.
#pragma once

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "emu_runtime.h"

#ifndef EMU_SHARED_SECTION
#define EMU_SHARED_SECTION "emu_shared"
#endif

#define __global__
#define __device__
#define __host__
#define __noinline__ __attribute__((noinline))
#define __forceinline__ inline __attribute__((always_inline))
#define __restrict__ __restrict
#define __launch_bounds__(...)
#define __shared__ static __attribute__((section(EMU_SHARED_SECTION)))
#define __constant__ static const

#define threadIdx emu_threadIdx
#define blockIdx emu_blockIdx
#define blockDim emu_blockDim
#define gridDim emu_gridDim
#define warpSize 32

typedef emu::uint3 uint3;
struct dim3 {
    unsigned int x, y, z;
    dim3(unsigned int x_ = 1, unsigned int y_ = 1, unsigned int z_ = 1) : x(x_), y(y_), z(z_) {}
    dim3(emu::uint3 u) : x(u.x), y(u.y), z(u.z) {}
};

struct __attribute__((aligned(8))) float2 {
    float x, y;
};
struct __attribute__((aligned(16))) float4 {
    float x, y, z, w;
};
struct __attribute__((aligned(16))) int4 {
    int x, y, z, w;
};
struct __attribute__((aligned(8))) int2 {
    int x, y;
};
inline float2 make_float2(float x, float y) { return float2{x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }
inline int2 make_int2(int x, int y) { return int2{x, y}; }
inline int4 make_int4(int x, int y, int z, int w) { return int4{x, y, z, w}; }

// ------------------------------------------------------------------ barriers and warp operations
#define __syncthreads() emu_syncthreads(__FILE__, __LINE__)
#define __syncwarp(...) emu_dev::syncwarp(__FILE__, __LINE__, ##__VA_ARGS__)
#define __shfl_sync(...) emu_dev::shfl(__FILE__, __LINE__, EMU_SHFL_IDX, __VA_ARGS__)
#define __shfl_up_sync(...) emu_dev::shfl(__FILE__, __LINE__, EMU_SHFL_UP, __VA_ARGS__)
#define __shfl_down_sync(...) emu_dev::shfl(__FILE__, __LINE__, EMU_SHFL_DOWN, __VA_ARGS__)
#define __shfl_xor_sync(...) emu_dev::shfl(__FILE__, __LINE__, EMU_SHFL_XOR, __VA_ARGS__)
#define __ballot_sync(mask, pred) \
    ((unsigned)emu_warp_op(__FILE__, __LINE__, (mask), EMU_BALLOT, (pred) ? 1u : 0u, 0, 32))
#define __any_sync(mask, pred) ((int)emu_warp_op(__FILE__, __LINE__, (mask), EMU_ANY, (pred) ? 1u : 0u, 0, 32))
#define __all_sync(mask, pred) ((int)emu_warp_op(__FILE__, __LINE__, (mask), EMU_ALL, (pred) ? 1u : 0u, 0, 32))
#define __activemask() 0xffffffffu

namespace emu_dev {

template <typename T>
inline T shfl(const char* file, int line, int kind, unsigned mask, T v, int param, int width = 32) {
    static_assert(sizeof(T) <= 8, "shuffle of a value wider than 8 bytes");
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    const uint64_t r = emu_warp_op(file, line, mask, kind, bits, param, width);
    T out;
    std::memcpy(&out, &r, sizeof(T));
    return out;
}

inline void syncwarp(const char* file, int line, unsigned mask = 0xffffffffu) {
    emu_warp_op(file, line, mask, EMU_SYNCWARP, 0, 0, 32);
}

}  // namespace emu_dev

inline void __threadfence() {}
inline void __threadfence_block() {}

// ------------------------------------------------------------------ atomics (one fiber runs at a time)
template <typename T>
inline T atomicAdd(T* p, T v) {
    const T old = *p;
    *p = old + v;
    return old;
}
template <typename T>
inline T atomicSub(T* p, T v) {
    const T old = *p;
    *p = old - v;
    return old;
}
template <typename T>
inline T atomicExch(T* p, T v) {
    const T old = *p;
    *p = v;
    return old;
}
template <typename T>
inline T atomicMax(T* p, T v) {
    const T old = *p;
    *p = old > v ? old : v;
    return old;
}
template <typename T>
inline T atomicMin(T* p, T v) {
    const T old = *p;
    *p = old < v ? old : v;
    return old;
}
template <typename T>
inline T atomicCAS(T* p, T compare, T v) {
    const T old = *p;
    if (old == compare) *p = v;
    return old;
}
template <typename T>
inline T atomicAnd(T* p, T v) {
    const T old = *p;
    *p = old & v;
    return old;
}
template <typename T>
inline T atomicOr(T* p, T v) {
    const T old = *p;
    *p = old | v;
    return old;
}

// ------------------------------------------------------------------ integer and float intrinsics
inline unsigned int __umulhi(unsigned int a, unsigned int b) {
    return (unsigned int)(((unsigned long long)a * b) >> 32);
}
inline int __mulhi(int a, int b) { return (int)(((long long)a * b) >> 32); }
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
    return (unsigned long long)(((unsigned __int128)a * b) >> 64);
}
inline int __popc(unsigned int v) { return __builtin_popcount(v); }
inline int __popcll(unsigned long long v) { return __builtin_popcountll(v); }
inline int __clz(int v) { return v == 0 ? 32 : __builtin_clz((unsigned)v); }
inline int __ffs(int v) { return __builtin_ffs(v); }
inline unsigned int __brev(unsigned int v) {
    unsigned int r = 0;
    for (int i = 0; i < 32; i++) r |= ((v >> i) & 1u) << (31 - i);
    return r;
}
inline int __float_as_int(float f) {
    int i;
    std::memcpy(&i, &f, 4);
    return i;
}
inline unsigned int __float_as_uint(float f) {
    unsigned int i;
    std::memcpy(&i, &f, 4);
    return i;
}
inline float __int_as_float(int i) {
    float f;
    std::memcpy(&f, &i, 4);
    return f;
}
inline float __uint_as_float(unsigned int i) {
    float f;
    std::memcpy(&f, &i, 4);
    return f;
}
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __log2f(float x) { return log2f(x); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __tanf(float x) { return tanf(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return sqrtf(x); }
inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __saturatef(float x) { return x != x ? 0.0f : (x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x)); }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline float normcdff(float x) { return 0.5f * erfcf(-x * 0.70710678118654752f); }
inline double normcdf(double x) { return 0.5 * erfc(-x * 0.70710678118654752440); }
inline float exp10f(float x) { return powf(10.0f, x); }
template <typename T>
inline T __ldg(const T* p) {
    return *p;
}
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned int min(unsigned int a, unsigned int b) { return a < b ? a : b; }
inline unsigned int max(unsigned int a, unsigned int b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
