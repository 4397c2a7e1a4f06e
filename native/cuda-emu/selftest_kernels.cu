// Kernels of the emulator's self-test (cuda-emu-selftest): each planted_* kernel has exactly one bug of the kind
// the emulator must report; the others are correct and must pass in every thread order.
// Compiled for the host like kernels/*.cu (gen-module.sh); never compiled by nvcc.

// Bug: __syncthreads inside a branch that only threads 0..99 take.
extern "C" __global__ void planted_divergent_barrier(float* out) {
    __shared__ float s[256];
    if (threadIdx.x < 100) {
        s[threadIdx.x] = 1.0f;
        __syncthreads();
    }
    out[threadIdx.x] = threadIdx.x < 100 ? s[threadIdx.x] : 0.0f;
}

// Bug: a full-mask shuffle after the upper half of every warp has returned.
extern "C" __global__ void planted_shuffle_after_exit(float* out) {
    if (threadIdx.x % 32 >= 16) return;
    out[threadIdx.x] = __shfl_xor_sync(0xffffffffu, (float)threadIdx.x, 1);
}

// Bug: a full-mask shuffle in a block whose last warp has fewer than 32 lanes.
extern "C" __global__ void planted_partial_warp_shuffle(float* out) {
    out[threadIdx.x] = __shfl_down_sync(0xffffffffu, (float)threadIdx.x, 1);
}

// Bug: each thread reads its neighbour's shared slot without a __syncthreads after the writes.
extern "C" __global__ void planted_missing_barrier(float* out) {
    __shared__ float s[256];
    const int t = threadIdx.x;
    s[t] = (float)(t + 1);
    out[t] = s[(t + 1) % blockDim.x];
}

// Bug: reads shared memory nothing wrote.
extern "C" __global__ void planted_uninitialised_shared(float* out) {
    __shared__ float s[256];
    out[threadIdx.x] = s[threadIdx.x];
}

// Bug: `<=` writes one element past the end of out (n elements).
extern "C" __global__ void planted_out_of_bounds(float* out, int n) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i <= n) out[i] = 1.0f;
}

// Correct: out[i] = in[i] (grid-stride).
extern "C" __global__ void copy_f32(const float* in, float* out, int n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x)
        out[i] = in[i];
}

// Correct: x[i] += 1 (grid-stride).
extern "C" __global__ void add_one_f32(float* x, int n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x)
        x[i] += 1.0f;
}

// Correct: out[blockIdx.x] = sum of in and counts[blockIdx.x] = number of positive elements (grid-stride partial
// sums, warp shuffles, one shared slot per warp, a barrier, a ballot); blockDim.x a multiple of 32.
extern "C" __global__ void block_sum_f32(const float* in, float* out, float* counts, int n) {
    __shared__ float partial[32];
    __shared__ int positives[32];
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
    float acc = 0.0f;
    int pos = 0;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        acc += in[i];
        pos += in[i] > 0.0f ? 1 : 0;
    }
    for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
    for (int o = 16; o > 0; o >>= 1) pos += __shfl_down_sync(0xffffffffu, pos, o);
    if (lane == 0) {
        partial[warp] = acc;
        positives[warp] = pos;
    }
    __syncthreads();
    if (warp == 0) {
        float v = lane < warps ? partial[lane] : 0.0f;
        int p = lane < warps ? positives[lane] : 0;
        for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
        for (int o = 16; o > 0; o >>= 1) p += __shfl_down_sync(0xffffffffu, p, o);
        const unsigned inside = __ballot_sync(0xffffffffu, lane < warps);
        if (lane == 0) {
            out[blockIdx.x] = v;
            counts[blockIdx.x] = __popc(inside) == warps ? (float)p : -1.0f;
        }
    }
}
