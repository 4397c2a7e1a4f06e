// The fake libcuda.so.1 of the CUDA emulator (driver_*.cpp): the driver API calls Myelin's CUDA backend makes
// through JCuda, with real CUresult codes, on one emulated device. Streams are FIFO queues that one emulator thread
// (a native std::thread, not a JVM thread) runs in order: kernel launches, async copies and memsets, cuBLAS GEMMs.
// Kernels are the host-compiled kernels/*.cu (registered by the generated module files); device memory is host
// memory mapped between guard pages. Every other driver function JCuda imports is a generated stub (gen-stubs.sh)
// that says once that it is not emulated and returns CUDA_ERROR_NOT_SUPPORTED.
//
// This header: the handle types, the emulator thread's queue, the allocation table and the counters, with the
// checks every driver call shares.
#pragma once

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

namespace emu_driver {

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

}  // namespace emu_driver

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
    emu_driver::Stream s;
};

struct CUevent_st {
    std::chrono::steady_clock::time_point at;
    bool recorded = false;
};

namespace emu_driver {

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

extern State& S;
/** A device fault (CUDA_ERROR_LAUNCH_FAILED) once a launch failed: every later call returns it. */
extern std::atomic<int> g_sticky;
extern std::atomic<long long> g_launches, g_syncs, g_d2h, g_h2d, g_gemms, g_liveAllocs;
extern std::atomic<unsigned long long> g_launchIndex;
/** The context current on the calling thread. */
extern thread_local CUctx_st* tl_current;
/** Every module table the host-compiled kernels registered. */
extern emu::ModuleTable* g_registry;

std::string hex(unsigned long long v);
/** Starts the emulator thread (once, under S.m). */
void startWorker();
/** Queues fn on stream s. */
void enqueue(Stream* s, std::function<void()> fn);
/** Waits until everything queued on s has run. */
void waitStream(Stream* s);
/** Waits until every queued operation has run. */
void waitAll();
long long saturate(long long v);
/** CUDA_ERROR_NOT_INITIALIZED before cuInit. */
CUresult needInit();
/** Init, a current context and no sticky fault. */
CUresult needContext();
/** The stream behind a handle (0, CU_STREAM_LEGACY and CU_STREAM_PER_THREAD are the default stream), or null. */
Stream* streamOf(CUstream h);
/** The allocation holding [p, p + bytes) (its start in *base), or null. */
const Allocation* findAllocation(uintptr_t p, std::size_t bytes, uintptr_t* base);
/** True when [p, p + bytes) lies in pinned host memory (cuMemAllocHost / cuMemHostAlloc). */
bool isPinned(const void* p, std::size_t bytes);
/** CUDA_ERROR_INVALID_VALUE, with a report, when [p, p + bytes) is not inside a live device allocation. */
CUresult checkDevice(const char* call, const char* what, CUdeviceptr p, std::size_t bytes);

}  // namespace emu_driver
