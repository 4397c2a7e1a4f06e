// The fake libcublas.so.13 of the CUDA emulator: the cuBLAS calls Myelin makes, column-major exactly as cuBLAS
// defines them (argument checks included), exported under the version node libcublas.so.13 like the real library.
// GEMMs run stream-ordered: they are queued on the handle's stream of the fake libcuda and executed by its
// emulator thread through OpenBLAS's sgemm_ (libopenblas.so.0, else libblas.so.3), or a plain loop when neither
// loads. A, B and C must lie in live device allocations (CUBLAS_STATUS_EXECUTION_FAILED and a report otherwise).
#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include "cuda_emu_api.h"

namespace {

enum {
    STATUS_SUCCESS = 0,
    STATUS_NOT_INITIALIZED = 1,
    STATUS_INVALID_VALUE = 7,
    STATUS_EXECUTION_FAILED = 13,
};
enum { OP_N = 0, OP_T = 1, OP_C = 2 };
enum { POINTER_MODE_HOST = 0, POINTER_MODE_DEVICE = 1 };

struct Handle {
    CUstream stream = nullptr;
    int pointerMode = POINTER_MODE_HOST;
    int mathMode = 0;
    void* workspace = nullptr;
    size_t workspaceBytes = 0;
};

std::mutex& handlesMutex() {
    static std::mutex* m = new std::mutex();
    return *m;
}
std::set<Handle*>& handles() {
    static std::set<Handle*>* h = new std::set<Handle*>();
    return *h;
}

bool valid(Handle* h) {
    std::lock_guard<std::mutex> lock(handlesMutex());
    return handles().count(h) != 0;
}

typedef void (*SgemmFn)(const char*, const char*, const int*, const int*, const int*, const float*, const float*,
                        const int*, const float*, const int*, const float*, float*, const int*, size_t, size_t);

SgemmFn blasSgemm() {
    static std::once_flag once;
    static SgemmFn fn = nullptr;
    std::call_once(once, [] {
        for (const char* lib : {"libopenblas.so.0", "libblas.so.3"}) {
            if (void* h = dlopen(lib, RTLD_NOW | RTLD_LOCAL)) {
                fn = reinterpret_cast<SgemmFn>(dlsym(h, "sgemm_"));
                if (fn != nullptr) return;
            }
        }
        std::fprintf(stderr, "cuda-emu: neither libopenblas.so.0 nor libblas.so.3 has sgemm_: cuBLAS GEMMs run as a "
                             "plain loop (slow)\n");
    });
    return fn;
}

/** Column-major C = alpha op(A) op(B) + beta C, as BLAS defines it (beta == 0: C is not read). */
void loopSgemm(int ta, int tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B, int ldb,
               float beta, float* C, int ldc) {
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            float acc = 0.0f;
            for (int l = 0; l < k; l++) {
                const float a = ta != OP_N ? A[l + (size_t)i * lda] : A[i + (size_t)l * lda];
                const float b = tb != OP_N ? B[j + (size_t)l * ldb] : B[l + (size_t)j * ldb];
                acc += a * b;
            }
            float* c = &C[i + (size_t)j * ldc];
            *c = alpha * acc + (beta == 0.0f ? 0.0f : beta * *c);
        }
    }
}

struct Gemm {
    int ta, tb, m, n, k, lda, ldb, ldc, batch;
    long long strideA, strideB, strideC;
    float alpha, beta;
    const float* alphaDevice;  // pointer mode device: read when the GEMM runs
    const float* betaDevice;
    const float *A, *B;
    float* C;
};

void runGemm(void* arg) {
    Gemm* g = static_cast<Gemm*>(arg);
    const float alpha = g->alphaDevice != nullptr ? *g->alphaDevice : g->alpha;
    const float beta = g->betaDevice != nullptr ? *g->betaDevice : g->beta;
    SgemmFn fn = blasSgemm();
    const char ta = g->ta == OP_N ? 'N' : 'T', tb = g->tb == OP_N ? 'N' : 'T';
    for (int b = 0; b < g->batch; b++) {
        const float* A = g->A + b * g->strideA;
        const float* B = g->B + b * g->strideB;
        float* C = g->C + b * g->strideC;
        if (fn != nullptr) {
            fn(&ta, &tb, &g->m, &g->n, &g->k, &alpha, A, &g->lda, B, &g->ldb, &beta, C, &g->ldc, 1, 1);
        } else {
            loopSgemm(g->ta, g->tb, g->m, g->n, g->k, alpha, A, g->lda, B, g->ldb, beta, C, g->ldc);
        }
    }
    delete g;
}

/** Bytes spanned by a column-major rows x cols matrix with leading dimension ld. */
size_t extent(int rows, int cols, int ld) {
    return rows == 0 || cols == 0 ? 0 : ((size_t)(cols - 1) * ld + rows) * sizeof(float);
}

bool inDevice(const char* call, const char* what, const void* p, size_t bytes, int batch, long long stride) {
    if (bytes == 0) return true;
    bool ok = p != nullptr && myelin_emu_in_device_memory(p, bytes);
    if (ok && batch > 1) {
        const float* last = static_cast<const float*>(p) + (long long)(batch - 1) * stride;
        ok = myelin_emu_in_device_memory(last, bytes);
    }
    if (!ok) {
        char buf[320];
        std::snprintf(buf, sizeof buf, "%s: %s (%p, %zu bytes%s) is not inside a live device allocation", call, what, p,
                      bytes, batch > 1 ? ", first or last of the batch" : "");
        myelin_emu_report(buf);
    }
    return ok;
}

int gemm(const char* call, Handle* h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A,
         int lda, long long strideA, const float* B, int ldb, long long strideB, const float* beta, float* C, int ldc,
         long long strideC, int batch) {
    if (!valid(h)) return STATUS_NOT_INITIALIZED;
    const bool opsOk = (ta == OP_N || ta == OP_T || ta == OP_C) && (tb == OP_N || tb == OP_T || tb == OP_C);
    const int rowsA = ta == OP_N ? m : k, colsA = ta == OP_N ? k : m;
    const int rowsB = tb == OP_N ? k : n, colsB = tb == OP_N ? n : k;
    auto atLeast1 = [](int v) { return v > 1 ? v : 1; };
    if (!opsOk || m < 0 || n < 0 || k < 0 || batch < 0 || lda < atLeast1(rowsA) || ldb < atLeast1(rowsB) ||
        ldc < atLeast1(m) || alpha == nullptr || beta == nullptr) {
        return STATUS_INVALID_VALUE;
    }
    myelin_emu_count_gemm();
    if (m == 0 || n == 0 || batch == 0) return STATUS_SUCCESS;
    const bool device = h->pointerMode == POINTER_MODE_DEVICE;
    if (device && (!inDevice(call, "alpha", alpha, sizeof(float), 1, 0) ||
                   !inDevice(call, "beta", beta, sizeof(float), 1, 0))) {
        return STATUS_EXECUTION_FAILED;
    }
    if (!inDevice(call, "A", A, k == 0 ? 0 : extent(rowsA, colsA, lda), batch, strideA) ||
        !inDevice(call, "B", B, k == 0 ? 0 : extent(rowsB, colsB, ldb), batch, strideB) ||
        !inDevice(call, "C", C, extent(m, n, ldc), batch, strideC)) {
        return STATUS_EXECUTION_FAILED;
    }
    Gemm* g = new Gemm{ta == OP_N ? OP_N : OP_T, tb == OP_N ? OP_N : OP_T, m, n, k, lda, ldb, ldc, batch,
                       strideA, strideB, strideC, device ? 0.0f : *alpha, device ? 0.0f : *beta,
                       device ? alpha : nullptr, device ? beta : nullptr, A, B, C};
    if (myelin_emu_enqueue(h->stream, &runGemm, g) != CUDA_SUCCESS) {
        delete g;
        return STATUS_EXECUTION_FAILED;
    }
    return STATUS_SUCCESS;
}

}  // namespace

extern "C" {

int cublasCreate_v2(Handle** handle) {
    if (handle == nullptr) return STATUS_INVALID_VALUE;
    int n = 0;
    if (cuDeviceGetAttribute(&n, MYELIN_EMU_ATTR_IS_EMULATOR, 0) != CUDA_SUCCESS) return STATUS_NOT_INITIALIZED;
    Handle* h = new Handle();
    std::lock_guard<std::mutex> lock(handlesMutex());
    handles().insert(h);
    *handle = h;
    return STATUS_SUCCESS;
}

int cublasDestroy_v2(Handle* h) {
    std::lock_guard<std::mutex> lock(handlesMutex());
    if (handles().erase(h) == 0) return STATUS_NOT_INITIALIZED;
    delete h;
    return STATUS_SUCCESS;
}

int cublasGetVersion_v2(Handle* h, int* version) {
    if (!valid(h)) return STATUS_NOT_INITIALIZED;
    if (version == nullptr) return STATUS_INVALID_VALUE;
    *version = 130100;
    return STATUS_SUCCESS;
}

int cublasSetStream_v2(Handle* h, CUstream stream) {
    if (!valid(h)) return STATUS_NOT_INITIALIZED;
    h->stream = stream;
    return STATUS_SUCCESS;
}

int cublasGetStream_v2(Handle* h, CUstream* stream) {
    if (!valid(h)) return STATUS_NOT_INITIALIZED;
    if (stream == nullptr) return STATUS_INVALID_VALUE;
    *stream = h->stream;
    return STATUS_SUCCESS;
}

int cublasSetPointerMode_v2(Handle* h, int mode) {
    if (!valid(h)) return STATUS_NOT_INITIALIZED;
    if (mode != POINTER_MODE_HOST && mode != POINTER_MODE_DEVICE) return STATUS_INVALID_VALUE;
    h->pointerMode = mode;
    return STATUS_SUCCESS;
}

int cublasGetPointerMode_v2(Handle* h, int* mode) {
    if (!valid(h)) return STATUS_NOT_INITIALIZED;
    if (mode == nullptr) return STATUS_INVALID_VALUE;
    *mode = h->pointerMode;
    return STATUS_SUCCESS;
}

int cublasSetMathMode(Handle* h, int mode) {
    if (!valid(h)) return STATUS_NOT_INITIALIZED;
    h->mathMode = mode;  // TF32 / tensor-op modes are accepted; the emulator always computes in float32
    return STATUS_SUCCESS;
}

int cublasGetMathMode(Handle* h, int* mode) {
    if (!valid(h)) return STATUS_NOT_INITIALIZED;
    if (mode == nullptr) return STATUS_INVALID_VALUE;
    *mode = h->mathMode;
    return STATUS_SUCCESS;
}

int cublasSetWorkspace_v2(Handle* h, void* workspace, size_t bytes) {
    if (!valid(h)) return STATUS_NOT_INITIALIZED;
    if (bytes > 0 && (workspace == nullptr || !myelin_emu_in_device_memory(workspace, bytes))) {
        return STATUS_INVALID_VALUE;
    }
    h->workspace = workspace;
    h->workspaceBytes = bytes;
    return STATUS_SUCCESS;
}

int cublasSgemm_v2(Handle* h, int transa, int transb, int m, int n, int k, const float* alpha, const float* A, int lda,
                   const float* B, int ldb, const float* beta, float* C, int ldc) {
    return gemm("cublasSgemm_v2", h, transa, transb, m, n, k, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1);
}

int cublasSgemmStridedBatched(Handle* h, int transa, int transb, int m, int n, int k, const float* alpha,
                              const float* A, int lda, long long strideA, const float* B, int ldb, long long strideB,
                              const float* beta, float* C, int ldc, long long strideC, int batchCount) {
    return gemm("cublasSgemmStridedBatched", h, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB,
                beta, C, ldc, strideC, batchCount);
}

}  // extern "C"
