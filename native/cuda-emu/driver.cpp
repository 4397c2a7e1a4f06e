// The fake libcuda.so.1 of the CUDA emulator: the driver API calls Myelin's CUDA backend makes through JCuda,
// with real CUresult codes, on one emulated device. Streams are FIFO queues that one emulator thread (a native
// std::thread, not a JVM thread) runs in order: kernel launches, async copies and memsets. Kernels are the
// host-compiled kernels/*.cu (registered by the generated module files); device memory is host memory mapped
// with guard pages. Every other driver function JCuda imports is a stub (stubs.cpp, generated) that says once
// that it is not emulated and returns CUDA_ERROR_NOT_SUPPORTED.
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "cuda_emu_api.h"
#include "emu_runtime.h"
#include "scheduler.h"

namespace {

constexpr const char* kDeviceName = "Myelin CUDA emulator (emulated on CPU)";
constexpr unsigned long long kTotalMemory = 16ULL << 30;
constexpr unsigned kMaxSharedPerBlock = 48 * 1024;
constexpr int kDriverVersion = 13000;

struct Stream {
    unsigned flags = 0;
    long long pending = 0;  // queued, not yet finished operations
};

struct Op {
    Stream* stream;
    std::function<void()> run;
};

struct Allocation {
    std::size_t size;      // bytes requested
    void* map;             // the whole mapping, guard pages included
    std::size_t mapBytes;
};

}  // namespace

struct CUctx_st {
    int retains = 0;
};

struct CUmod_st {
    std::vector<const emu::KernelEntry*> kernels;
    std::vector<CUfunc_st*> functions;
};

struct CUfunc_st {
    const emu::KernelEntry* entry;
    CUmod_st* module;
};

struct CUstream_st {
    Stream s;
};

struct CUevent_st {
    std::chrono::steady_clock::time_point at;
    bool recorded = false;
};

namespace {

/** Process-wide state; never destroyed (the emulator thread may outlive static destructors at exit). */
struct State {
    std::mutex m;
    std::condition_variable work, done;
    std::deque<Op> queue;
    long long pendingAll = 0;
    bool initialized = false;
    bool workerStarted = false;
    pthread_t worker{};
    CUctx_st primary;
    Stream legacy;
    std::set<CUstream_st*> streams;
    std::set<CUmod_st*> modules;
    std::unordered_set<CUfunc_st*> functions;
    std::set<CUevent_st*> events;
    std::mutex memMutex;
    std::map<uintptr_t, Allocation> allocations;
    std::map<uintptr_t, std::size_t> pinned;
    unsigned long long liveBytes = 0;
};

State& S = *new State();
std::atomic<int> g_sticky{0};
std::atomic<long long> g_launches{0}, g_syncs{0}, g_d2h{0}, g_h2d{0}, g_gemms{0}, g_liveAllocs{0};
std::atomic<unsigned long long> g_launchIndex{0};
thread_local CUctx_st* tl_current = nullptr;
emu::ModuleTable* g_registry = nullptr;

std::string hex(unsigned long long v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", v);
    return buf;
}

// ------------------------------------------------------------------ the emulator thread

void workerLoop() {
    emu::installSignalStack();
    for (;;) {
        Op op;
        {
            std::unique_lock<std::mutex> lock(S.m);
            S.work.wait(lock, [] { return !S.queue.empty(); });
            op = std::move(S.queue.front());
            S.queue.pop_front();
        }
        if (g_sticky.load() == 0) op.run();
        {
            std::lock_guard<std::mutex> lock(S.m);
            op.stream->pending--;
            S.pendingAll--;
        }
        S.done.notify_all();
    }
}

void startWorker() {
    std::thread t(workerLoop);
    S.worker = t.native_handle();
    t.detach();
    S.workerStarted = true;
}

void enqueue(Stream* s, std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> lock(S.m);
        S.queue.push_back(Op{s, std::move(fn)});
        s->pending++;
        S.pendingAll++;
    }
    S.work.notify_one();
}

void waitStream(Stream* s) {
    std::unique_lock<std::mutex> lock(S.m);
    S.done.wait(lock, [s] { return s->pending == 0; });
}

void waitAll() {
    std::unique_lock<std::mutex> lock(S.m);
    S.done.wait(lock, [] { return S.pendingAll == 0; });
}

long long saturate(long long v) { return v > INT_MAX ? INT_MAX : v; }

// ------------------------------------------------------------------ argument checks

CUresult needInit() { return S.initialized ? CUDA_SUCCESS : CUDA_ERROR_NOT_INITIALIZED; }

/** Init, a current context and no sticky fault. */
CUresult needContext() {
    if (!S.initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (tl_current == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
    const int sticky = g_sticky.load();
    return sticky != 0 ? sticky : CUDA_SUCCESS;
}

/** The stream behind a handle (0, CU_STREAM_LEGACY and CU_STREAM_PER_THREAD are the default stream), or null. */
Stream* streamOf(CUstream h) {
    const uintptr_t v = reinterpret_cast<uintptr_t>(h);
    if (v == 0 || v == 1 || v == 2) return &S.legacy;
    std::lock_guard<std::mutex> lock(S.m);
    return S.streams.count(h) ? &h->s : nullptr;
}

/** The allocation holding [p, p + bytes), or null. */
const Allocation* findAllocation(uintptr_t p, std::size_t bytes, uintptr_t* base) {
    std::lock_guard<std::mutex> lock(S.memMutex);
    auto it = S.allocations.upper_bound(p);
    if (it == S.allocations.begin()) return nullptr;
    --it;
    if (p < it->first || p - it->first >= it->second.size) return nullptr;
    if (bytes > it->second.size - (p - it->first)) return nullptr;
    if (base != nullptr) *base = it->first;
    return &it->second;
}

bool isPinned(const void* p, std::size_t bytes) {
    const uintptr_t v = reinterpret_cast<uintptr_t>(p);
    std::lock_guard<std::mutex> lock(S.memMutex);
    auto it = S.pinned.upper_bound(v);
    if (it == S.pinned.begin()) return false;
    --it;
    return v >= it->first && v - it->first <= it->second && bytes <= it->second - (v - it->first);
}

CUresult checkDevice(const char* call, const char* what, CUdeviceptr p, std::size_t bytes) {
    if (bytes == 0) return CUDA_SUCCESS;
    if (findAllocation((uintptr_t)p, bytes, nullptr) != nullptr) return CUDA_SUCCESS;
    emu::reportError(std::string(call) + ": " + what + " " + hex(p) + " + " + std::to_string(bytes) +
                     " bytes is not inside a live device allocation");
    return CUDA_ERROR_INVALID_VALUE;
}

// ------------------------------------------------------------------ device attributes (an H100-like device)

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

// ------------------------------------------------------------------ module images

constexpr uint32_t kFatbinMagic = 0xBA55ED50u;
constexpr const char* kEmuImageHeader = "// Myelin CUDA emulator image";

/** The bytes of an image to scan for kernel names, or 0 when the image is not one the emulator accepts. */
std::size_t imageSize(const unsigned char* p) {
    uint32_t magic;
    std::memcpy(&magic, p, 4);
    if (magic == kFatbinMagic) {
        uint16_t headerSize;
        uint64_t fatSize;
        std::memcpy(&headerSize, p + 6, 2);
        std::memcpy(&fatSize, p + 8, 8);
        return headerSize + fatSize;
    }
    if (p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F') {
        uint64_t shoff;
        uint16_t shentsize, shnum;
        std::memcpy(&shoff, p + 0x28, 8);
        std::memcpy(&shentsize, p + 0x3A, 2);
        std::memcpy(&shnum, p + 0x3C, 2);
        return shoff + (uint64_t)shentsize * shnum;
    }
    const char* text = reinterpret_cast<const char*>(p);
    const std::size_t n = std::strlen(text);
    if (std::strncmp(text, kEmuImageHeader, std::strlen(kEmuImageHeader)) == 0) return n;
    if (std::strstr(text, ".version") != nullptr && std::strstr(text, ".target") != nullptr) return n;  // PTX
    return 0;
}

bool identChar(unsigned char c) { return c == '_' || c == '$' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'); }

}  // namespace

// ------------------------------------------------------------------ exports for the fake cuBLAS and the self-test

extern "C" {

void emu_register_module(emu::ModuleTable* table) {
    table->next = g_registry;
    g_registry = table;
}

CUresult myelin_emu_enqueue(CUstream stream, void (*fn)(void*), void* arg) {
    if (!S.initialized) return CUDA_ERROR_NOT_INITIALIZED;
    const int sticky = g_sticky.load();
    if (sticky != 0) return sticky;
    Stream* s = streamOf(stream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    enqueue(s, [fn, arg] { fn(arg); });
    return CUDA_SUCCESS;
}

int myelin_emu_in_device_memory(const void* p, size_t bytes) {
    return findAllocation(reinterpret_cast<uintptr_t>(p), bytes == 0 ? 1 : bytes, nullptr) != nullptr;
}

void myelin_emu_count_gemm(void) { g_gemms++; }

void myelin_emu_report(const char* what) { emu::reportError(what); }

void myelin_emu_fault(void) { g_sticky.store(CUDA_ERROR_LAUNCH_FAILED); }

// ------------------------------------------------------------------ init, device, context

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

// ------------------------------------------------------------------ streams and events

CUresult cuStreamCreate(CUstream* phStream, unsigned int flags) {
    if (CUresult r = needContext()) return r;
    if (phStream == nullptr || flags > 1) return CUDA_ERROR_INVALID_VALUE;
    CUstream_st* s = new CUstream_st();
    s->s.flags = flags;
    std::lock_guard<std::mutex> lock(S.m);
    S.streams.insert(s);
    *phStream = s;
    return CUDA_SUCCESS;
}

CUresult cuStreamCreateWithPriority(CUstream* phStream, unsigned int flags, int) {
    return cuStreamCreate(phStream, flags);
}

CUresult cuStreamGetFlags(CUstream hStream, unsigned int* flags) {
    if (CUresult r = needContext()) return r;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    if (flags == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *flags = s->flags;
    return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream hStream) {
    if (CUresult r = needContext()) return r;
    if (hStream == nullptr || streamOf(hStream) == nullptr || streamOf(hStream) == &S.legacy) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    waitStream(&hStream->s);  // the real driver lets queued work finish; here the host waits for it
    std::lock_guard<std::mutex> lock(S.m);
    S.streams.erase(hStream);
    delete hStream;
    return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream hStream) {
    if (!S.initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (tl_current == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    waitStream(s);
    g_syncs++;
    return g_sticky.load();
}

CUresult cuStreamQuery(CUstream hStream) {
    if (CUresult r = needContext()) return r;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    std::lock_guard<std::mutex> lock(S.m);
    return s->pending == 0 ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

CUresult cuStreamWaitEvent(CUstream hStream, CUevent, unsigned int) {
    if (CUresult r = needContext()) return r;
    // one queue runs every stream in enqueue order, so work queued after the event's record already follows it
    return streamOf(hStream) == nullptr ? CUDA_ERROR_INVALID_HANDLE : CUDA_SUCCESS;
}

CUresult cuLaunchHostFunc(CUstream hStream, CUhostFn fn, void* userData) {
    if (CUresult r = needContext()) return r;
    if (fn == nullptr) return CUDA_ERROR_INVALID_VALUE;
    return myelin_emu_enqueue(hStream, fn, userData);
}

CUresult cuEventCreate(CUevent* phEvent, unsigned int) {
    if (CUresult r = needContext()) return r;
    if (phEvent == nullptr) return CUDA_ERROR_INVALID_VALUE;
    CUevent_st* e = new CUevent_st();
    std::lock_guard<std::mutex> lock(S.m);
    S.events.insert(e);
    *phEvent = e;
    return CUDA_SUCCESS;
}

static bool validEvent(CUevent e) {
    std::lock_guard<std::mutex> lock(S.m);
    return S.events.count(e) != 0;
}

CUresult cuEventRecord(CUevent hEvent, CUstream hStream) {
    if (CUresult r = needContext()) return r;
    if (!validEvent(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    hEvent->recorded = false;
    enqueue(s, [hEvent] {
        hEvent->at = std::chrono::steady_clock::now();
        hEvent->recorded = true;
    });
    return CUDA_SUCCESS;
}

CUresult cuEventSynchronize(CUevent hEvent) {
    if (CUresult r = needContext()) return r;
    if (!validEvent(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
    waitAll();
    g_syncs++;
    return g_sticky.load();
}

CUresult cuEventQuery(CUevent hEvent) {
    if (CUresult r = needContext()) return r;
    if (!validEvent(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
    std::lock_guard<std::mutex> lock(S.m);
    return hEvent->recorded ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

CUresult cuEventElapsedTime(float* ms, CUevent start, CUevent end) {
    if (CUresult r = needContext()) return r;
    if (ms == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (!validEvent(start) || !validEvent(end)) return CUDA_ERROR_INVALID_HANDLE;
    std::lock_guard<std::mutex> lock(S.m);
    if (!start->recorded || !end->recorded) return CUDA_ERROR_NOT_READY;
    *ms = std::chrono::duration<float, std::milli>(end->at - start->at).count();
    return CUDA_SUCCESS;
}

CUresult cuEventDestroy_v2(CUevent hEvent) {
    if (CUresult r = needContext()) return r;
    if (!validEvent(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
    waitAll();
    std::lock_guard<std::mutex> lock(S.m);
    S.events.erase(hEvent);
    delete hEvent;
    return CUDA_SUCCESS;
}

// ------------------------------------------------------------------ memory

CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytes) {
    if (CUresult r = needContext()) return r;
    if (dptr == nullptr || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
    const std::size_t page = (std::size_t)sysconf(_SC_PAGESIZE);
    const std::size_t rounded = (bytes + 255) & ~std::size_t(255);  // cuMemAlloc's 256-byte alignment
    const std::size_t span = (rounded + page - 1) / page * page;
    {
        std::lock_guard<std::mutex> lock(S.memMutex);
        if (S.liveBytes + bytes > kTotalMemory) return CUDA_ERROR_OUT_OF_MEMORY;
    }
    // [guard page][span usable][guard page]; the block ends at the second guard (when bytes % 256 == 0 exactly)
    void* map = mmap(nullptr, span + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
    unsigned char* usable = static_cast<unsigned char*>(map) + page;
    if (mprotect(usable, span, PROT_READ | PROT_WRITE) != 0) {
        munmap(map, span + 2 * page);
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    unsigned char* base = usable + span - rounded;
    std::memset(base, 0xFF, rounded);  // a NaN as float, -1 as int: uninitialised reads show
    {
        std::lock_guard<std::mutex> lock(S.memMutex);
        S.allocations[(uintptr_t)base] = Allocation{bytes, map, span + 2 * page};
        S.liveBytes += bytes;
    }
    g_liveAllocs++;
    *dptr = (CUdeviceptr)(uintptr_t)base;
    return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr dptr) {
    if (CUresult r = needContext()) return r;
    if (dptr == 0) return CUDA_SUCCESS;
    uintptr_t base;
    if (findAllocation((uintptr_t)dptr, 1, &base) == nullptr || base != (uintptr_t)dptr) {
        emu::reportError("cuMemFree_v2: " + hex(dptr) + " is not the start of a live device allocation");
        return CUDA_ERROR_INVALID_VALUE;
    }
    waitAll();  // the real cuMemFree waits for the device too
    g_syncs++;
    Allocation a;
    {
        std::lock_guard<std::mutex> lock(S.memMutex);
        auto it = S.allocations.find(base);
        if (it == S.allocations.end()) return CUDA_ERROR_INVALID_VALUE;  // freed concurrently
        a = it->second;
        S.allocations.erase(it);
        S.liveBytes -= a.size;
    }
    g_liveAllocs--;
    munmap(a.map, a.mapBytes);  // a later access through a stale pointer faults
    return g_sticky.load();
}

CUresult cuMemGetInfo_v2(size_t* freeBytes, size_t* total) {
    if (CUresult r = needContext()) return r;
    if (freeBytes == nullptr || total == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::lock_guard<std::mutex> lock(S.memMutex);
    *freeBytes = kTotalMemory - S.liveBytes;
    *total = kTotalMemory;
    return CUDA_SUCCESS;
}

CUresult cuMemHostAlloc(void** pp, size_t bytes, unsigned int flags) {
    if (CUresult r = needContext()) return r;
    if (pp == nullptr || bytes == 0 || flags > 7) return CUDA_ERROR_INVALID_VALUE;
    void* p = nullptr;
    if (posix_memalign(&p, 4096, bytes) != 0) return CUDA_ERROR_OUT_OF_MEMORY;
    std::lock_guard<std::mutex> lock(S.memMutex);
    S.pinned[(uintptr_t)p] = bytes;
    *pp = p;
    return CUDA_SUCCESS;
}

CUresult cuMemAllocHost_v2(void** pp, size_t bytes) { return cuMemHostAlloc(pp, bytes, 0); }

CUresult cuMemFreeHost(void* p) {
    if (CUresult r = needContext()) return r;
    {
        std::lock_guard<std::mutex> lock(S.memMutex);
        if (S.pinned.count((uintptr_t)p) == 0) return CUDA_ERROR_INVALID_VALUE;
    }
    waitAll();  // queued copies may still use it
    std::lock_guard<std::mutex> lock(S.memMutex);
    S.pinned.erase((uintptr_t)p);
    std::free(p);
    return CUDA_SUCCESS;
}

// Copies. Stream semantics as the real driver's: H2D from pageable memory is staged at once and written in stream
// order; D2H to pageable memory waits for the stream (synchronous); D2H into pinned memory is queued; the
// synchronous variants wait for the device.

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, CUstream hStream) {
    if (CUresult r = needContext()) return r;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    if (bytes == 0) return CUDA_SUCCESS;
    if (src == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult r = checkDevice("cuMemcpyHtoDAsync_v2", "destination", dst, bytes)) return r;
    g_h2d++;
    void* d = reinterpret_cast<void*>((uintptr_t)dst);
    if (isPinned(src, bytes)) {
        enqueue(s, [d, src, bytes] { std::memcpy(d, src, bytes); });
    } else {
        auto staged = std::make_shared<std::vector<unsigned char>>(static_cast<const unsigned char*>(src),
                                                                   static_cast<const unsigned char*>(src) + bytes);
        enqueue(s, [d, staged] { std::memcpy(d, staged->data(), staged->size()); });
    }
    return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
    CUresult r = cuMemcpyHtoDAsync_v2(dst, src, bytes, nullptr);
    if (r != CUDA_SUCCESS || bytes == 0) return r;
    waitAll();
    g_syncs++;
    return g_sticky.load();
}

CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t bytes, CUstream hStream) {
    if (CUresult r = needContext()) return r;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    if (bytes == 0) return CUDA_SUCCESS;
    if (dst == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult r = checkDevice("cuMemcpyDtoHAsync_v2", "source", src, bytes)) return r;
    g_d2h++;
    const void* from = reinterpret_cast<const void*>((uintptr_t)src);
    enqueue(s, [dst, from, bytes] { std::memcpy(dst, from, bytes); });
    if (!isPinned(dst, bytes)) {
        waitStream(s);  // pageable destination: the copy is synchronous
        g_syncs++;
        return g_sticky.load();
    }
    return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
    if (CUresult r = needContext()) return r;
    if (bytes == 0) return CUDA_SUCCESS;
    if (dst == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult r = checkDevice("cuMemcpyDtoH_v2", "source", src, bytes)) return r;
    g_d2h++;
    const void* from = reinterpret_cast<const void*>((uintptr_t)src);
    enqueue(&S.legacy, [dst, from, bytes] { std::memcpy(dst, from, bytes); });
    waitAll();
    g_syncs++;
    return g_sticky.load();
}

CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream hStream) {
    if (CUresult r = needContext()) return r;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    if (bytes == 0) return CUDA_SUCCESS;
    if (CUresult r = checkDevice("cuMemcpyDtoDAsync_v2", "destination", dst, bytes)) return r;
    if (CUresult r = checkDevice("cuMemcpyDtoDAsync_v2", "source", src, bytes)) return r;
    void* d = reinterpret_cast<void*>((uintptr_t)dst);
    const void* from = reinterpret_cast<const void*>((uintptr_t)src);
    enqueue(s, [d, from, bytes] { std::memmove(d, from, bytes); });
    return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
    CUresult r = cuMemcpyDtoDAsync_v2(dst, src, bytes, nullptr);
    if (r != CUDA_SUCCESS || bytes == 0) return r;
    waitAll();
    g_syncs++;
    return g_sticky.load();
}

static CUresult memsetAsync(const char* call, CUdeviceptr dst, unsigned int value, size_t n, int width,
                            CUstream hStream) {
    if (CUresult r = needContext()) return r;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    if (n == 0) return CUDA_SUCCESS;
    if (width == 4 && (dst & 3) != 0) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult r = checkDevice(call, "destination", dst, n * (size_t)width)) return r;
    if (width == 4) {
        uint32_t* d = reinterpret_cast<uint32_t*>((uintptr_t)dst);
        enqueue(s, [d, value, n] { std::fill(d, d + n, (uint32_t)value); });
    } else {
        unsigned char* d = reinterpret_cast<unsigned char*>((uintptr_t)dst);
        enqueue(s, [d, value, n] { std::memset(d, (int)(value & 0xFF), n); });
    }
    return CUDA_SUCCESS;
}

CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned int ui, size_t n, CUstream hStream) {
    return memsetAsync("cuMemsetD32Async", dst, ui, n, 4, hStream);
}

CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char uc, size_t n, CUstream hStream) {
    return memsetAsync("cuMemsetD8Async", dst, uc, n, 1, hStream);
}

CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned int ui, size_t n) {
    CUresult r = memsetAsync("cuMemsetD32_v2", dst, ui, n, 4, nullptr);
    if (r != CUDA_SUCCESS || n == 0) return r;
    waitAll();
    g_syncs++;
    return g_sticky.load();
}

CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char uc, size_t n) {
    CUresult r = memsetAsync("cuMemsetD8_v2", dst, uc, n, 1, nullptr);
    if (r != CUDA_SUCCESS || n == 0) return r;
    waitAll();
    g_syncs++;
    return g_sticky.load();
}

// ------------------------------------------------------------------ modules and functions

CUresult cuModuleLoadData(CUmodule* module, const void* image) {
    if (CUresult r = needContext()) return r;
    if (module == nullptr || image == nullptr) return CUDA_ERROR_INVALID_VALUE;
    const unsigned char* p = static_cast<const unsigned char*>(image);
    const std::size_t n = imageSize(p);
    if (n == 0) return CUDA_ERROR_INVALID_IMAGE;
    // The identifiers in the image (kernel names appear as plain NUL-terminated strings in fatbins and PTX).
    std::unordered_set<std::string> names;
    std::size_t i = 0;
    while (i < n) {
        if (!identChar(p[i])) {
            i++;
            continue;
        }
        std::size_t j = i;
        while (j < n && identChar(p[j])) j++;
        if (j - i <= 256) names.emplace(reinterpret_cast<const char*>(p + i), j - i);
        i = j;
    }
    CUmod_st* m = new CUmod_st();
    for (emu::ModuleTable* t = g_registry; t != nullptr; t = t->next) {
        for (int k = 0; k < t->count; k++) {
            if (names.count(t->entries[k].name)) m->kernels.push_back(&t->entries[k]);
        }
    }
    std::lock_guard<std::mutex> lock(S.m);
    S.modules.insert(m);
    *module = m;
    return CUDA_SUCCESS;
}

CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned int, void*, void**) {
    return cuModuleLoadData(module, image);
}

CUresult cuModuleLoadFatBinary(CUmodule* module, const void* image) { return cuModuleLoadData(module, image); }

CUresult cuModuleGetFunction(CUfunction* hfunc, CUmodule hmod, const char* name) {
    if (CUresult r = needContext()) return r;
    if (hfunc == nullptr || name == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::lock_guard<std::mutex> lock(S.m);
    if (S.modules.count(hmod) == 0) return CUDA_ERROR_INVALID_HANDLE;
    for (CUfunc_st* f : hmod->functions) {
        if (std::strcmp(f->entry->name, name) == 0) {
            *hfunc = f;
            return CUDA_SUCCESS;
        }
    }
    for (const emu::KernelEntry* e : hmod->kernels) {
        if (std::strcmp(e->name, name) == 0) {
            CUfunc_st* f = new CUfunc_st{e, hmod};
            hmod->functions.push_back(f);
            S.functions.insert(f);
            *hfunc = f;
            return CUDA_SUCCESS;
        }
    }
    return CUDA_ERROR_NOT_FOUND;
}

CUresult cuModuleUnload(CUmodule hmod) {
    if (CUresult r = needContext()) return r;
    waitAll();  // queued launches of its functions finish first
    std::lock_guard<std::mutex> lock(S.m);
    if (S.modules.count(hmod) == 0) return CUDA_ERROR_INVALID_HANDLE;
    for (CUfunc_st* f : hmod->functions) {
        S.functions.erase(f);
        delete f;
    }
    S.modules.erase(hmod);
    delete hmod;
    return CUDA_SUCCESS;
}

CUresult cuFuncGetAttribute(int* value, int attrib, CUfunction f) {
    if (CUresult r = needContext()) return r;
    if (value == nullptr) return CUDA_ERROR_INVALID_VALUE;
    const emu::KernelEntry* e;
    {
        std::lock_guard<std::mutex> lock(S.m);
        if (S.functions.count(f) == 0) return CUDA_ERROR_INVALID_HANDLE;
        e = f->entry;
    }
    switch (attrib) {
        case 0: *value = 1024; return CUDA_SUCCESS;  // max threads per block
        case 1: *value = (int)(e->sharedEnd - e->sharedBegin); return CUDA_SUCCESS;  // static shared (module's)
        case 2: *value = 0; return CUDA_SUCCESS;
        case 3: *value = 0; return CUDA_SUCCESS;
        case 4: *value = 32; return CUDA_SUCCESS;    // registers
        case 5: *value = 90; return CUDA_SUCCESS;    // PTX version
        case 6: *value = 90; return CUDA_SUCCESS;    // binary version
        case 7: *value = 0; return CUDA_SUCCESS;
        case 8: *value = (int)kMaxSharedPerBlock; return CUDA_SUCCESS;
        case 9: *value = -1; return CUDA_SUCCESS;
        default: return CUDA_ERROR_INVALID_VALUE;
    }
}

CUresult cuFuncGetModule(CUmodule* hmod, CUfunction f) {
    if (CUresult r = needContext()) return r;
    if (hmod == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::lock_guard<std::mutex> lock(S.m);
    if (S.functions.count(f) == 0) return CUDA_ERROR_INVALID_HANDLE;
    *hmod = f->module;
    return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                        unsigned int by, unsigned int bz, unsigned int sharedMemBytes, CUstream hStream,
                        void** kernelParams, void** extra) {
    if (CUresult r = needContext()) return r;
    if (f == nullptr) return CUDA_ERROR_INVALID_VALUE;
    const emu::KernelEntry* e;
    {
        std::lock_guard<std::mutex> lock(S.m);
        if (S.functions.count(f) == 0) return CUDA_ERROR_INVALID_HANDLE;
        e = f->entry;
    }
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    const std::string name = e->name;
    auto refuse = [&](const std::string& why) {
        emu::reportError("cuLaunchKernel " + name + ": " + why);
        return CUDA_ERROR_INVALID_VALUE;
    };
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0) {
        return refuse("a zero dimension (grid " + std::to_string(gx) + "x" + std::to_string(gy) + "x" +
                      std::to_string(gz) + ", block " + std::to_string(bx) + "x" + std::to_string(by) + "x" +
                      std::to_string(bz) + ")");
    }
    if (bx > 1024 || by > 1024 || bz > 64 || (unsigned long long)bx * by * bz > 1024) {
        return refuse("block " + std::to_string(bx) + "x" + std::to_string(by) + "x" + std::to_string(bz) +
                      " exceeds the device's limits (1024 threads, x/y <= 1024, z <= 64)");
    }
    if (gx > (unsigned)INT_MAX || gy > 65535 || gz > 65535) {
        return refuse("grid " + std::to_string(gx) + "x" + std::to_string(gy) + "x" + std::to_string(gz) +
                      " exceeds the device's limits (x < 2^31, y/z <= 65535)");
    }
    if (sharedMemBytes > kMaxSharedPerBlock) {
        return refuse("dynamic shared memory of " + std::to_string(sharedMemBytes) +
                      " bytes exceeds 49152 (48 KiB, the limit without opting in)");
    }
    if (extra != nullptr) return refuse("the extra parameter buffer is not emulated: pass kernelParams");
    if (kernelParams == nullptr && e->nparams > 0) {
        return refuse("kernelParams is null but the kernel takes " + std::to_string(e->nparams) + " parameters");
    }
    emu::Launch l;
    l.kernel = e;
    l.grid = emu::uint3{gx, gy, gz};
    l.block = emu::uint3{bx, by, bz};
    l.dynamicShared = sharedMemBytes;
    l.args.assign(e->argBytes + 8, 0);
    for (int i = 0; i < e->nparams; i++) {
        if (kernelParams[i] == nullptr) return refuse("kernelParams[" + std::to_string(i) + "] is null");
        std::memcpy(l.args.data() + e->offset[i], kernelParams[i], e->size[i]);
        if (e->pointer[i]) {
            uintptr_t p;
            std::memcpy(&p, kernelParams[i], sizeof p);
            if (p != 0 && findAllocation(p, 1, nullptr) == nullptr) {
                return refuse("argument " + std::to_string(i) + " (pointer " + hex(p) +
                              ") is not inside a live device allocation (freed, or a host pointer)");
            }
        }
    }
    l.index = g_launchIndex++;
    g_launches++;
    auto launch = std::make_shared<emu::Launch>(std::move(l));
    enqueue(s, [launch] {
        std::string error;
        if (!emu::runLaunch(*launch, &error)) {
            emu::reportError(error);
            g_sticky.store(CUDA_ERROR_LAUNCH_FAILED);
        }
    });
    return CUDA_SUCCESS;
}

// ------------------------------------------------------------------ errors

namespace {
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
