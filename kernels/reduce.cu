// Reductions along one axis of x (rows, cols) (io.myelin.backend.ReduceOp): SUM, MAX and ARGMAX.
// axis 1 collapses columns -> out (rows, 1); axis 0 collapses rows -> out (1, cols).
// ARGMAX writes the index as a float; ties go to the first occurrence and NaN is skipped (an all-NaN
// line gives index 0); MAX is the value at that index.
#include <climits>

#include "common.cuh"

// ------------------------------------------------------------------ axis 1 (per row)
// x (rows, cols) -> out (rows, 1). Launch: row-wise, block 256 (8 warps, one row each), grid ceil(rows/8).
extern "C" __global__ void reduce_sum_axis1_f32(const float* x, float* out, int rows, int cols) {
    const int r = warp_row();
    if (r >= rows) return;
    const float* xr = x + (long long)r * cols;
    float acc = 0.0f;
    for (int j = lane_id(); j < cols; j += MYELIN_WARP) acc += xr[j];
    acc = warp_sum(acc);
    if (lane_id() == 0) out[r] = acc;
}

// Index of the row's maximum (first occurrence; NaN never wins unless the whole row is NaN, then 0),
// known to every lane of the warp. MAX reads the value there, so both ops agree with each other and with
// the CPU backend's scan.
__device__ __forceinline__ int row_argmax(const float* xr, int cols) {
    float best = -INFINITY;
    int idx = INT_MAX;
    for (int j = lane_id(); j < cols; j += MYELIN_WARP) argmax_combine(best, idx, xr[j], j);
    warp_argmax(best, idx);
    return idx == INT_MAX ? 0 : idx;
}

extern "C" __global__ void reduce_max_axis1_f32(const float* x, float* out, int rows, int cols) {
    const int r = warp_row();
    if (r >= rows) return;
    const float* xr = x + (long long)r * cols;
    const int idx = row_argmax(xr, cols);
    if (lane_id() == 0) out[r] = xr[idx];
}

extern "C" __global__ void reduce_argmax_axis1_f32(const float* x, float* out, int rows, int cols) {
    const int r = warp_row();
    if (r >= rows) return;
    const int idx = row_argmax(x + (long long)r * cols, cols);
    if (lane_id() == 0) out[r] = (float)idx;
}

// ------------------------------------------------------------------ axis 0 (per column)
// x (rows, cols) -> out (1, cols). Launch: column-wise, block (32, 16), grid ceil(cols/32): threadIdx.x
// picks the column (coalesced loads), threadIdx.y strides over rows, shared memory combines the lanes.
extern "C" __global__ void reduce_sum_axis0_f32(const float* x, float* out, int rows, int cols) {
    __shared__ float tile[MYELIN_COL_LANES * (MYELIN_COL_TILE + 1)];
    const int c = blockIdx.x * MYELIN_COL_TILE + threadIdx.x;
    float acc = 0.0f;
    if (c < cols) {
        for (int r = threadIdx.y; r < rows; r += MYELIN_COL_LANES) acc += x[(long long)r * cols + c];
    }
    acc = column_sum(acc, tile);
    if (c < cols && threadIdx.y == 0) out[c] = acc;
}

// Row index of column c's maximum (same rules as row_argmax), valid in the threadIdx.y == 0 thread of
// the column. Contains __syncthreads: call from every thread of the block.
__device__ __forceinline__ int column_argmax(const float* x, int rows, int cols, int c) {
    __shared__ float vals[MYELIN_COL_LANES * (MYELIN_COL_TILE + 1)];
    __shared__ int idxs[MYELIN_COL_LANES * (MYELIN_COL_TILE + 1)];
    const int tx = threadIdx.x, ty = threadIdx.y;
    float best = -INFINITY;
    int idx = INT_MAX;
    if (c < cols) {
        for (int r = ty; r < rows; r += MYELIN_COL_LANES) argmax_combine(best, idx, x[(long long)r * cols + c], r);
    }
    const int me = ty * (MYELIN_COL_TILE + 1) + tx;
    vals[me] = best;
    idxs[me] = idx;
    __syncthreads();
    for (int s = MYELIN_COL_LANES / 2; s > 0; s >>= 1) {
        if (ty < s) {
            const int other = (ty + s) * (MYELIN_COL_TILE + 1) + tx;
            float v = vals[me];
            int i = idxs[me];
            argmax_combine(v, i, vals[other], idxs[other]);
            vals[me] = v;
            idxs[me] = i;
        }
        __syncthreads();
    }
    return idxs[tx] == INT_MAX ? 0 : idxs[tx];
}

extern "C" __global__ void reduce_max_axis0_f32(const float* x, float* out, int rows, int cols) {
    const int c = blockIdx.x * MYELIN_COL_TILE + threadIdx.x;
    const int idx = column_argmax(x, rows, cols, c);
    if (c < cols && threadIdx.y == 0) out[c] = x[(long long)idx * cols + c];
}

extern "C" __global__ void reduce_argmax_axis0_f32(const float* x, float* out, int rows, int cols) {
    const int c = blockIdx.x * MYELIN_COL_TILE + threadIdx.x;
    const int idx = column_argmax(x, rows, cols, c);
    if (c < cols && threadIdx.y == 0) out[c] = (float)idx;
}
