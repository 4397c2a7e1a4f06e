// Row gather for batching on the device (the training set is uploaded once; batches are gathered).
#include "common.cuh"

// gather_rows_f32: src (srcRows, cols); indices (rows, 1) floats holding row numbers; out (rows, cols).
// out[r, :] = src[(int) indices[r], :]. A row number outside [0, srcRows) yields a NaN row (a kernel
// cannot throw; NaN makes the bad index visible). Launch: elementwise over rows*cols, block 256,
// grid-stride.
extern "C" __global__ void gather_rows_f32(const float* src, const float* indices, float* out, int rows,
                                           int cols, int srcRows) {
    const long long n = (long long)rows * cols;
    MYELIN_FOR_EACH(i, n) {
        const long long r = i / cols;
        const long long c = i - r * cols;
        const float f = indices[r];
        const int k = (int)f;
        out[i] = (f >= 0.0f && k < srcRows) ? src[(long long)k * cols + c] : NAN;
    }
}
