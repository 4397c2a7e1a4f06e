/*
 * A stand-in for CUDA 13's libcublas.so.13, built by CublasShimTest with gcc, so the libcublas.so.12 shim
 * can be checked on a machine without a GPU: it exports the functions the shim forwards to (under the
 * version node libcublas.so.13, like the real library), logs each call to stderr, and computes SGEMM on
 * host memory with cuBLAS's column-major semantics.
 */
#include <stdio.h>

#define HANDLE ((void *) 0x13)
#define OK 0
#define INVALID_VALUE 7
static int pointer_mode = -1;

static int log_call(const char *name, void *handle) {
    fprintf(stderr, "fake-cublas13: %s\n", name);
    fflush(stderr);
    return handle == HANDLE ? OK : INVALID_VALUE;
}

int cublasCreate_v2(void **handle) {
    *handle = HANDLE;
    return log_call("cublasCreate_v2", HANDLE);
}

int cublasDestroy_v2(void *handle) { return log_call("cublasDestroy_v2", handle); }

int cublasGetVersion_v2(void *handle, int *version) {
    *version = 130102;
    return log_call("cublasGetVersion_v2", handle);
}

int cublasSetStream_v2(void *handle, void *stream) {
    (void) stream;
    return log_call("cublasSetStream_v2", handle);
}

int cublasSetPointerMode_v2(void *handle, int mode) {
    pointer_mode = mode;
    fprintf(stderr, "fake-cublas13: pointer mode %d\n", mode);
    return log_call("cublasSetPointerMode_v2", handle);
}

int cublasSetMathMode(void *handle, int mode) {
    (void) mode;
    return log_call("cublasSetMathMode", handle);
}

/* Column-major: C (m x n) = alpha * op(A) (m x k) * op(B) (k x n) + beta * C; op 0 = N, 1 = T. */
int cublasSgemm_v2(void *handle, int transa, int transb, int m, int n, int k, const float *alpha, const float *A,
                   int lda, const float *B, int ldb, const float *beta, float *C, int ldc) {
    if (pointer_mode != 0) return INVALID_VALUE; /* alpha and beta must be host pointers */
    fprintf(stderr, "fake-cublas13: sgemm transa=%d transb=%d m=%d n=%d k=%d lda=%d ldb=%d ldc=%d\n", transa, transb,
            m, n, k, lda, ldb, ldc);
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double acc = 0;
            for (int l = 0; l < k; l++) {
                float a = transa ? A[l + i * lda] : A[i + l * lda];
                float b = transb ? B[j + l * ldb] : B[l + j * ldb];
                acc += (double) a * b;
            }
            float *c = &C[i + j * ldc];
            *c = (float) (*alpha * acc + (*beta == 0.0f ? 0.0 : *beta * *c));
        }
    }
    return log_call("cublasSgemm_v2", handle);
}
