/*
 * libcublas.so.12 compatibility shim for CUDA 13 hosts.
 *
 * JCuda 12.6.0's libJCublas2 needs a library with soname libcublas.so.12 and binds its symbols with
 * the version node "libcublas.so.12" (e.g. cublasSgemm_v2@libcublas.so.12). CUDA 13 ships only
 * libcublas.so.13. Every cuBLAS reference in libJCublas2 is a lazy PLT slot, so a library that carries
 * that soname and version node and exports just the functions Myelin calls satisfies the loader; each
 * export forwards to the same function of libcublas.so.13, resolved with dlopen + dlsym on first use.
 *
 * The CUDA backend System.load()s libcublas.so.13 by absolute path and then this shim before JCublas2
 * loads its native library, and only when libcublas.so.12 is absent. MYELIN_CUBLAS_TARGET overrides the
 * library forwarded to (used by the tests with a fake libcublas.so.13).
 *
 * The signatures are those of cublas_api.h (unchanged between CUDA 12 and 13): handles and streams are
 * opaque pointers, enums are ints, cublasStatus_t is an int (1 = CUBLAS_STATUS_NOT_INITIALIZED, returned
 * when libcublas.so.13 or the symbol cannot be found).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

/* Bind to the oldest glibc symbol versions so the shim also loads on hosts older than this build host. */
__asm__(".symver dlopen,dlopen@GLIBC_2.2.5");
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
__asm__(".symver getenv,getenv@GLIBC_2.2.5");

#define STATUS_NOT_INITIALIZED 1

static void *target_library(void) {
    static void *handle;
    void *h = __atomic_load_n(&handle, __ATOMIC_ACQUIRE);
    if (h == NULL) {
        const char *path = getenv("MYELIN_CUBLAS_TARGET");
        /* a library already loaded by absolute path is found here by its soname */
        h = dlopen(path != NULL && *path != '\0' ? path : "libcublas.so.13", RTLD_NOW | RTLD_LOCAL);
        if (h != NULL) __atomic_store_n(&handle, h, __ATOMIC_RELEASE);
    }
    return h;
}

static void *target_symbol(const char *name) {
    void *h = target_library();
    return h == NULL ? NULL : dlsym(h, name);
}

/* Defines NAME(PARAMS) that forwards ARGS to NAME in the target library (looked up once; a race only
 * repeats the idempotent lookup). */
#define FORWARD(NAME, PARAMS, ARGS)                                      \
    typedef int (*NAME##_fn) PARAMS;                                     \
    int NAME PARAMS {                                                    \
        static NAME##_fn fn;                                             \
        NAME##_fn f = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);            \
        if (f == NULL) {                                                 \
            f = (NAME##_fn) target_symbol(#NAME);                        \
            if (f == NULL) return STATUS_NOT_INITIALIZED;                \
            __atomic_store_n(&fn, f, __ATOMIC_RELEASE);                  \
        }                                                                \
        return f ARGS;                                                   \
    }

FORWARD(cublasCreate_v2, (void **handle), (handle))
FORWARD(cublasDestroy_v2, (void *handle), (handle))
FORWARD(cublasGetVersion_v2, (void *handle, int *version), (handle, version))
FORWARD(cublasSetStream_v2, (void *handle, void *stream), (handle, stream))
FORWARD(cublasSetPointerMode_v2, (void *handle, int mode), (handle, mode))
FORWARD(cublasSetMathMode, (void *handle, int mode), (handle, mode))
FORWARD(cublasSgemm_v2,
        (void *handle, int transa, int transb, int m, int n, int k, const float *alpha, const float *A, int lda,
         const float *B, int ldb, const float *beta, float *C, int ldc),
        (handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc))
