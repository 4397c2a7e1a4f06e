// The slice of the CUDA driver API (cuda.h) the emulator implements: types and constants with cuda.h's values,
// declared here so the emulator builds without the CUDA toolkit. Also the emulator's own exports (myelin_emu_*)
// that the fake cuBLAS and the self-test use.
#pragma once

#include <cstddef>

extern "C" {

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st* CUcontext;
typedef struct CUmod_st* CUmodule;
typedef struct CUfunc_st* CUfunction;
typedef struct CUstream_st* CUstream;
typedef struct CUevent_st* CUevent;
typedef void (*CUhostFn)(void* userData);

enum {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_NOT_READY = 600,
    CUDA_ERROR_LAUNCH_FAILED = 719,
    CUDA_ERROR_NOT_SUPPORTED = 801,
};

/** Private device attributes of the emulator (a real driver answers CUDA_ERROR_INVALID_VALUE for them). */
enum {
    MYELIN_EMU_ATTR_IS_EMULATOR = 0x4D590000,
    MYELIN_EMU_ATTR_LAUNCHES = 0x4D590001,
    MYELIN_EMU_ATTR_SYNCS = 0x4D590002,
    MYELIN_EMU_ATTR_D2H = 0x4D590003,
    MYELIN_EMU_ATTR_H2D = 0x4D590004,
    MYELIN_EMU_ATTR_GEMMS = 0x4D590005,
    MYELIN_EMU_ATTR_LIVE_ALLOCS = 0x4D590006,
    MYELIN_EMU_ATTR_LIVE_KIB = 0x4D590007,
};

CUresult cuInit(unsigned int flags);
CUresult cuDeviceGet(CUdevice* device, int ordinal);
CUresult cuDeviceGetAttribute(int* value, int attrib, CUdevice dev);
CUresult cuDevicePrimaryCtxRetain(CUcontext* pctx, CUdevice dev);
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev);
CUresult cuCtxSetCurrent(CUcontext ctx);
CUresult cuCtxSynchronize(void);
CUresult cuStreamCreate(CUstream* phStream, unsigned int flags);
CUresult cuStreamDestroy_v2(CUstream hStream);
CUresult cuStreamSynchronize(CUstream hStream);
CUresult cuStreamQuery(CUstream hStream);
CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytesize);
CUresult cuMemFree_v2(CUdeviceptr dptr);
CUresult cuMemAllocHost_v2(void** pp, size_t bytesize);
CUresult cuMemFreeHost(void* p);
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes);
CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes);
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, CUstream hStream);
CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t bytes, CUstream hStream);
CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned int ui, size_t n, CUstream hStream);
CUresult cuModuleLoadData(CUmodule* module, const void* image);
CUresult cuModuleGetFunction(CUfunction* hfunc, CUmodule hmod, const char* name);
CUresult cuModuleUnload(CUmodule hmod);
CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ,
                        unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
                        unsigned int sharedMemBytes, CUstream hStream, void** kernelParams, void** extra);
CUresult cuGetErrorName(CUresult error, const char** pStr);

/** Queues fn(arg) on stream (stream order, run by the emulator thread). */
CUresult myelin_emu_enqueue(CUstream stream, void (*fn)(void*), void* arg);
/** 1 when [p, p + bytes) lies inside one live device allocation. */
int myelin_emu_in_device_memory(const void* p, size_t bytes);
/** Counts one cuBLAS GEMM (attribute MYELIN_EMU_ATTR_GEMMS). */
void myelin_emu_count_gemm(void);
/** Reports one "cuda-emu: error: ..." line (stderr and $MYELIN_CUDA_EMU_LOG). */
void myelin_emu_report(const char* what);
/** Marks the device faulted: every later call returns CUDA_ERROR_LAUNCH_FAILED (a real device fault is sticky). */
void myelin_emu_fault(void);
}
