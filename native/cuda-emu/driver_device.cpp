// The fake driver's device, context and error calls: one emulated device, "Myelin CUDA emulator (emulated on
// CPU)", sm_90, 16 GiB, 132 SMs, and its primary context; the counters are private device attributes.
#include "driver_state.h"

using namespace emu_driver;

namespace {


bool attribute(int a, int* v) {
    switch (a) {
        case 1: *v = 1024; return true;    // max threads per block
        case 2: *v = 1024; return true;    // max block dim x
        case 3: *v = 1024; return true;    // y
        case 4: *v = 64; return true;      // z
        case 5: *v = INT_MAX; return true; // max grid dim x
        case 6: *v = 65535; return true;
        case 7: *v = 65535; return true;
        case 8: *v = (int)kMaxSharedPerBlock; return true;
        case 9: *v = 65536; return true;   // constant memory
        case 10: *v = 32; return true;     // warp size
        case 11: *v = INT_MAX; return true; // max pitch
        case 12: *v = 65536; return true;  // registers per block
        case 13: *v = 1980000; return true; // clock kHz
        case 14: *v = 512; return true;    // texture alignment
        case 15: *v = 1; return true;      // gpu overlap
        case 16: *v = 132; return true;    // SMs
        case 17: *v = 0; return true;      // kernel exec timeout
        case 18: *v = 0; return true;      // integrated
        case 19: *v = 1; return true;      // can map host memory
        case 20: *v = 0; return true;      // compute mode default
        case 30: *v = 512; return true;    // surface alignment
        case 31: *v = 1; return true;      // concurrent kernels
        case 32: *v = 0; return true;      // ECC
        case 33: *v = 0; return true;      // PCI bus
        case 34: *v = 0; return true;      // PCI device
        case 35: *v = 0; return true;      // TCC
        case 36: *v = 2619000; return true; // memory clock kHz
        case 37: *v = 5120; return true;   // bus width
        case 38: *v = 50 * 1024 * 1024; return true; // L2
        case 39: *v = 2048; return true;   // threads per SM
        case 40: *v = 2; return true;      // async engines
        case 41: *v = 1; return true;      // unified addressing
        case 50: *v = 0; return true;      // PCI domain
        case 75: *v = 9; return true;      // compute capability major
        case 76: *v = 0; return true;      // minor
        case 78: *v = 1; return true;      // stream priorities
        case 79: *v = 1; return true;
        case 80: *v = 1; return true;
        case 81: *v = 233472; return true; // shared memory per SM
        case 82: *v = 65536; return true;  // registers per SM
        case 83: *v = 1; return true;      // managed memory
        case 84: *v = 0; return true;
        case 85: *v = 0; return true;
        case 86: *v = 0; return true;
        case 87: *v = 2; return true;
        case 88: *v = 0; return true;
        case 89: *v = 1; return true;
        case 90: *v = 1; return true;
        case 91: *v = 1; return true;
        case 95: *v = 1; return true;      // cooperative launch
        case 96: *v = 0; return true;
        case 97: *v = 232448; return true; // shared per block opt-in (227 KiB)
        case 98: *v = 0; return true;
        case 99: *v = 1; return true;
        case 106: *v = 32; return true;    // blocks per SM
        case 111: *v = 1024; return true;  // reserved shared per block
        case 115: *v = 1; return true;     // memory pools
        case 120: *v = 1; return true;     // cluster launch
        default:
            if (a >= 1 && a <= 147) {
                // texture / surface limits and feature flags the backend never reads: plausible, not zero
                *v = (a >= 21 && a <= 29) || (a >= 42 && a <= 74) || a == 77 ? 65536 : 0;
                return true;
            }
            return false;
    }
}

struct ErrorName {
    int code;
    const char* name;
};
const ErrorName kErrors[] = {
#include "error_names.inc"
};

const char* errorText(int code) {
    switch (code) {
        case 0: return "no error";
        case 1: return "invalid argument";
        case 2: return "out of memory";
        case 3: return "initialization error";
        case 101: return "invalid device ordinal";
        case 200: return "device kernel image is invalid";
        case 201: return "invalid device context";
        case 400: return "invalid resource handle";
        case 500: return "named symbol not found";
        case 600: return "device not ready";
        case 719: return "unspecified launch failure";
        case 801: return "operation not supported";
        default: return nullptr;
    }
}

}  // namespace

extern "C" {


CUresult cuInit(unsigned int flags) {
    if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
    std::lock_guard<std::mutex> lock(S.m);
    if (!S.initialized) {
        S.initialized = true;
        startWorker();
        const char* segv = std::getenv("MYELIN_CUDA_EMU_SEGV");
        if (segv != nullptr && std::strcmp(segv, "1") == 0) emu::installFaultHandler();
    }
    return CUDA_SUCCESS;
}

CUresult cuDriverGetVersion(int* v) {
    if (v == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *v = kDriverVersion;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int* count) {
    if (count == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult r = needInit()) return r;
    *count = 1;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    if (CUresult r = needInit()) return r;
    if (device == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (ordinal != 0) return CUDA_ERROR_INVALID_DEVICE;
    *device = 0;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char* name, int len, CUdevice dev) {
    if (CUresult r = needInit()) return r;
    if (name == nullptr || len <= 0) return CUDA_ERROR_INVALID_VALUE;
    if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
    std::snprintf(name, (std::size_t)len, "%s", kDeviceName);
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int* value, int attrib, CUdevice dev) {
    if (CUresult r = needInit()) return r;
    if (value == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
    switch (attrib) {
        case MYELIN_EMU_ATTR_IS_EMULATOR: *value = 1; return CUDA_SUCCESS;
        case MYELIN_EMU_ATTR_LAUNCHES: *value = (int)saturate(g_launches.load()); return CUDA_SUCCESS;
        case MYELIN_EMU_ATTR_SYNCS: *value = (int)saturate(g_syncs.load()); return CUDA_SUCCESS;
        case MYELIN_EMU_ATTR_D2H: *value = (int)saturate(g_d2h.load()); return CUDA_SUCCESS;
        case MYELIN_EMU_ATTR_H2D: *value = (int)saturate(g_h2d.load()); return CUDA_SUCCESS;
        case MYELIN_EMU_ATTR_GEMMS: *value = (int)saturate(g_gemms.load()); return CUDA_SUCCESS;
        case MYELIN_EMU_ATTR_LIVE_ALLOCS: *value = (int)saturate(g_liveAllocs.load()); return CUDA_SUCCESS;
        case MYELIN_EMU_ATTR_LIVE_KIB: {
            std::lock_guard<std::mutex> lock(S.memMutex);
            *value = (int)saturate((long long)(S.liveBytes / 1024));
            return CUDA_SUCCESS;
        }
        default: return attribute(attrib, value) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
    }
}

CUresult cuDeviceComputeCapability(int* major, int* minor, CUdevice dev) {
    if (CUresult r = needInit()) return r;
    if (major == nullptr || minor == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
    *major = 9;
    *minor = 0;
    return CUDA_SUCCESS;
}

CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice dev) {
    if (CUresult r = needInit()) return r;
    if (bytes == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
    *bytes = kTotalMemory;
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext* pctx, CUdevice dev) {
    if (CUresult r = needInit()) return r;
    if (pctx == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
    std::lock_guard<std::mutex> lock(S.m);
    S.primary.retains++;
    *pctx = &S.primary;
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev) {
    if (CUresult r = needInit()) return r;
    if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
    std::lock_guard<std::mutex> lock(S.m);
    if (S.primary.retains <= 0) return CUDA_ERROR_INVALID_CONTEXT;
    S.primary.retains--;
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int* flags, int* active) {
    if (CUresult r = needInit()) return r;
    if (flags == nullptr || active == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
    std::lock_guard<std::mutex> lock(S.m);
    *flags = 0;
    *active = S.primary.retains > 0;
    return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(CUcontext ctx) {
    if (CUresult r = needInit()) return r;
    if (ctx != nullptr && ctx != &S.primary) return CUDA_ERROR_INVALID_CONTEXT;
    tl_current = ctx;
    return CUDA_SUCCESS;
}

CUresult cuCtxGetCurrent(CUcontext* pctx) {
    if (CUresult r = needInit()) return r;
    if (pctx == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *pctx = tl_current;
    return CUDA_SUCCESS;
}

CUresult cuCtxPushCurrent_v2(CUcontext ctx) { return cuCtxSetCurrent(ctx); }

CUresult cuCtxPopCurrent_v2(CUcontext* pctx) {
    if (CUresult r = needContext()) return r;
    if (pctx != nullptr) *pctx = tl_current;
    tl_current = nullptr;
    return CUDA_SUCCESS;
}

CUresult cuCtxGetDevice(CUdevice* device) {
    if (CUresult r = needContext()) return r;
    if (device == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *device = 0;
    return CUDA_SUCCESS;
}

CUresult cuCtxGetApiVersion(CUcontext ctx, unsigned int* version) {
    if (CUresult r = needInit()) return r;
    if (version == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (ctx != nullptr && ctx != &S.primary) return CUDA_ERROR_INVALID_CONTEXT;
    *version = 3020;
    return CUDA_SUCCESS;
}

CUresult cuCtxSynchronize(void) {
    if (!S.initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (tl_current == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
    waitAll();
    g_syncs++;
    return g_sticky.load();
}


CUresult cuGetErrorName(CUresult error, const char** pStr) {
    if (pStr == nullptr) return CUDA_ERROR_INVALID_VALUE;
    for (const ErrorName& e : kErrors) {
        if (e.code == error) {
            *pStr = e.name;
            return CUDA_SUCCESS;
        }
    }
    *pStr = nullptr;
    return CUDA_ERROR_INVALID_VALUE;
}

CUresult cuGetErrorString(CUresult error, const char** pStr) {
    if (pStr == nullptr) return CUDA_ERROR_INVALID_VALUE;
    const char* name = nullptr;
    if (cuGetErrorName(error, &name) != CUDA_SUCCESS) {
        *pStr = nullptr;
        return CUDA_ERROR_INVALID_VALUE;
    }
    const char* text = errorText(error);
    *pStr = text != nullptr ? text : name;
    return CUDA_SUCCESS;
}

}  // extern "C"