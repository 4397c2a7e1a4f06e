// The fake driver's shared state: the emulator thread and its queue, the allocation table, the counters, and the
// exports the fake cuBLAS and the self-test use (myelin_emu_*).
#include "driver_state.h"

namespace emu_driver {

State& S = *new State();  // never destroyed: the emulator thread may outlive static destructors
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

CUresult needContext() {
    if (!S.initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (tl_current == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
    const int sticky = g_sticky.load();
    return sticky != 0 ? sticky : CUDA_SUCCESS;
}

Stream* streamOf(CUstream h) {
    const uintptr_t v = reinterpret_cast<uintptr_t>(h);
    if (v == 0 || v == 1 || v == 2) return &S.legacy;
    std::lock_guard<std::mutex> lock(S.m);
    return S.streams.count(h) ? &h->s : nullptr;
}

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

}  // namespace emu_driver

using namespace emu_driver;

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
}  // extern "C"
