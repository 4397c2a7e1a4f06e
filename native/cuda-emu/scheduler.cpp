// Block scheduler of the CUDA emulator (see scheduler.h).
//
// Fast path (as HIP-CPU's): a fiber runs the block's threads one after another in a loop; only a thread that
// blocks (at __syncthreads or a warp operation) keeps its fiber, and the scheduler starts the next thread on
// another fiber. When every thread has started and none can run, the scheduler releases what can be released
// (a warp operation whose lanes have all arrived at the same call site, else the block barrier when every live
// thread waits at the same __syncthreads) or reports the fault. Threads between barriers run in the launch's
// order: forward, reverse or shuffled (launch index % 3; shuffled seeded from MYELIN_CUDA_EMU_SEED).
#include "scheduler.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>

#include "fiber.h"

extern "C" {
emu::uint3 emu_threadIdx, emu_blockIdx, emu_blockDim, emu_gridDim;
}

namespace emu {
namespace {

enum State : unsigned char { UNSTARTED, RUNNABLE, RUNNING, AT_BARRIER, AT_WARP, EXITED };

struct Slot {
    State state;
    Fiber* fiber;
    const char* file;  // call site of the barrier / warp op it waits at
    int line;
    unsigned mask;
    int kind;
    int param;
    int width;
    uint64_t value;
    uint64_t result;
    int exitPhase;
};

/** What is running now, for fault reports (read by the signal handler). */
struct NowRunning {
    const char* kernel;
    uint3 block;
    uint3 thread;
    volatile int active;
};
NowRunning g_now;
pthread_t g_runner;  // the thread that runs kernels (the fault handler passes other threads' faults on)
struct sigaction g_previousSegv, g_previousBus;

struct BlockRun {
    const Launch* launch = nullptr;
    const KernelEntry* k = nullptr;
    int n = 0;
    std::vector<uint3> coords;
    std::vector<Slot> slot;
    std::vector<int> order;
    int nextStart = 0;
    std::vector<int> runnable;
    std::size_t runIdx = 0;
    int live = 0;
    int phase = 0;
    int exitedThisPhase = -1;  // a thread that exited in this phase (without reaching the next barrier), or -1
    int mode = 0;              // 0 forward, 1 reverse, 2 shuffled
    std::mt19937_64 rng;
    bool failed = false;
    std::string error;
    Context sched;
    Fiber* current = nullptr;
};

BlockRun g_run;
FiberPool g_pool;

std::string coordText(const uint3& c) {
    return "(" + std::to_string(c.x) + "," + std::to_string(c.y) + "," + std::to_string(c.z) + ")";
}

std::string site(const char* file, int line) { return std::string(file) + ":" + std::to_string(line); }

std::string where(int t) {
    return "kernel " + std::string(g_run.k->name) + " block " + coordText(emu_blockIdx) + " thread " +
           coordText(g_run.coords[t]);
}

void setCurrent(int t) {
    emu_threadIdx = g_run.coords[t];
    g_now.thread = emu_threadIdx;
}

/** Marks the block failed (the first report wins). */
void fail(int t, const std::string& what) {
    if (g_run.failed) return;
    g_run.failed = true;
    g_run.error = where(t) + ": " + what;
}

const char* warpOpName(int kind) {
    switch (kind) {
        case EMU_SHFL_IDX: return "__shfl_sync";
        case EMU_SHFL_UP: return "__shfl_up_sync";
        case EMU_SHFL_DOWN: return "__shfl_down_sync";
        case EMU_SHFL_XOR: return "__shfl_xor_sync";
        case EMU_BALLOT: return "__ballot_sync";
        case EMU_ANY: return "__any_sync";
        case EMU_ALL: return "__all_sync";
        default: return "__syncwarp";
    }
}

std::string waitText(int t) {
    const Slot& s = g_run.slot[t];
    if (s.state == AT_BARRIER) return "waits at __syncthreads at " + site(s.file, s.line);
    if (s.state == AT_WARP) return std::string("waits at ") + warpOpName(s.kind) + " at " + site(s.file, s.line);
    if (s.state == EXITED) return "has exited";
    return "is running";
}

void fiberMain(void* arg) {
    Fiber* f = static_cast<Fiber*>(arg);
    for (;;) {
        BlockRun& b = g_run;
        while (b.nextStart < b.n && !b.failed) {
            const int t = b.order[b.nextStart++];
            f->thread = t;
            Slot& s = b.slot[t];
            s.fiber = f;
            s.state = RUNNING;
            setCurrent(t);
            b.k->invoke(b.k->fn, b.launch->args.data());
            s.state = EXITED;
            s.fiber = nullptr;
            b.live--;
            if (b.exitedThisPhase < 0) b.exitedThisPhase = t;
        }
        f->thread = -1;
        switchContext(&f->ctx, &b.sched);
    }
}

/** Suspends the running thread (already marked as waiting) and returns to the scheduler. */
void block() {
    Fiber* f = g_run.current;
    switchContext(&f->ctx, &g_run.sched);
}

int currentThread() { return g_run.current->thread; }

void orderRunnable() {
    BlockRun& b = g_run;
    if (b.mode == 1) std::reverse(b.runnable.begin(), b.runnable.end());
    if (b.mode == 2) std::shuffle(b.runnable.begin(), b.runnable.end(), b.rng);
    b.runIdx = 0;
}

int lanesOf(int warp) { return std::min(32, g_run.n - warp * 32); }

/** Source lane of a shuffle for lane (CUDA's rules for width); -1 means "own value". */
int shuffleSource(int kind, int lane, int param, int width) {
    const int base = lane & ~(width - 1);
    switch (kind) {
        case EMU_SHFL_IDX: return base + (param & (width - 1));
        case EMU_SHFL_UP: {
            const int s = lane - param;
            return s < base ? lane : s;
        }
        case EMU_SHFL_DOWN: {
            const int s = lane + param;
            return s >= base + width ? lane : s;
        }
        default: {
            const int s = lane ^ param;
            return s >= base + width ? lane : s;
        }
    }
}

/** Releases one warp group waiting with lane first's mask, or fails. */
void releaseWarp(int warp, int first) {
    BlockRun& b = g_run;
    const Slot& f = b.slot[first];
    const int w0 = warp * 32;
    for (int l = 0; l < 32; l++) {
        if (!(f.mask >> l & 1u)) continue;
        const int t = w0 + l;
        const Slot& s = b.slot[t];
        if (s.state == AT_WARP && s.line == f.line && std::strcmp(s.file, f.file) == 0 && s.mask == f.mask) continue;
        fail(first, std::string(warpOpName(f.kind)) + " at " + site(f.file, f.line) + " with mask 0x" +
                        [&] {
                            char buf[16];
                            std::snprintf(buf, sizeof buf, "%08x", f.mask);
                            return std::string(buf);
                        }() +
                        ": lane " + std::to_string(l) + " (thread " + coordText(b.coords[t]) + ") " + waitText(t) +
                        (s.state == EXITED ? "" : " (diverged)"));
        return;
    }
    uint64_t ballot = 0;
    for (int l = 0; l < 32; l++)
        if (f.mask >> l & 1u) ballot |= (uint64_t)(b.slot[w0 + l].value != 0) << l;
    for (int l = 0; l < 32; l++) {
        if (!(f.mask >> l & 1u)) continue;
        Slot& s = b.slot[w0 + l];
        switch (s.kind) {
            case EMU_BALLOT: s.result = ballot; break;
            case EMU_ANY: s.result = ballot != 0; break;
            case EMU_ALL: s.result = ballot == f.mask; break;
            case EMU_SYNCWARP: s.result = 0; break;
            default: {
                const int src = shuffleSource(s.kind, l, s.param, s.width);
                if (!(f.mask >> src & 1u)) {
                    fail(w0 + l, std::string(warpOpName(s.kind)) + " at " + site(s.file, s.line) + " reads lane " +
                                     std::to_string(src) + ", which is not in the mask");
                    return;
                }
                s.result = b.slot[w0 + src].value;
            }
        }
    }
    for (int l = 0; l < 32; l++) {
        if (!(f.mask >> l & 1u)) continue;
        b.slot[w0 + l].state = RUNNABLE;
        b.runnable.push_back(w0 + l);
    }
}

/** Called when every thread has started and none can run: releases warp ops or the barrier, or fails. */
void resolve() {
    BlockRun& b = g_run;
    b.runnable.clear();
    const int warps = (b.n + 31) / 32;
    bool anyWarpWait = false;
    for (int w = 0; w < warps && !b.failed; w++) {
        for (int l = 0; l < lanesOf(w) && !b.failed; l++) {
            const int t = w * 32 + l;
            if (b.slot[t].state == AT_WARP) {
                anyWarpWait = true;
                releaseWarp(w, t);
            }
        }
    }
    if (b.failed) return;
    if (anyWarpWait) {
        orderRunnable();
        return;
    }
    // Every live thread waits at a __syncthreads: the same one, and no thread left this phase without it.
    int first = -1;
    for (int t = 0; t < b.n; t++) {
        const Slot& s = b.slot[t];
        if (s.state != AT_BARRIER) continue;
        if (first < 0) {
            first = t;
            continue;
        }
        const Slot& f = b.slot[first];
        if (s.line != f.line || std::strcmp(s.file, f.file) != 0) {
            fail(t, "__syncthreads at " + site(s.file, s.line) + " while thread " + coordText(b.coords[first]) +
                        " waits at __syncthreads at " + site(f.file, f.line) + " (divergent barrier)");
            return;
        }
    }
    if (first < 0) {
        fail(0, "deadlock: no thread can run");
        return;
    }
    if (b.exitedThisPhase >= 0) {
        const Slot& f = b.slot[first];
        fail(first, "__syncthreads at " + site(f.file, f.line) + " is reached by " + std::to_string(b.live) + " of " +
                        std::to_string(b.n) + " threads: thread " + coordText(b.coords[b.exitedThisPhase]) +
                        " exited without reaching it (divergent barrier)");
        return;
    }
    b.phase++;
    b.exitedThisPhase = -1;
    for (int t = 0; t < b.n; t++) {
        if (b.slot[t].state == AT_BARRIER) {
            b.slot[t].state = RUNNABLE;
            b.runnable.push_back(t);
        }
    }
    orderRunnable();
}

/** Runs the block at emu_blockIdx; false on a fault (g_run.error). */
bool runBlock() {
    BlockRun& b = g_run;
    const KernelEntry* k = b.k;
    if (k->sharedBegin != nullptr && k->sharedEnd > k->sharedBegin) {
        std::memset(k->sharedBegin, 0xFF, (std::size_t)(k->sharedEnd - k->sharedBegin));
    }
    for (int t = 0; t < b.n; t++) {
        Slot& s = b.slot[t];
        s.state = UNSTARTED;
        s.fiber = nullptr;
    }
    if (b.mode == 2) std::shuffle(b.order.begin(), b.order.end(), b.rng);
    b.nextStart = 0;
    b.runnable.clear();
    b.runIdx = 0;
    b.live = b.n;
    b.phase = 0;
    b.exitedThisPhase = -1;
    g_now.block = emu_blockIdx;
    for (;;) {
        if (b.failed) break;
        Fiber* f;
        if (b.nextStart < b.n) {
            f = g_pool.take(&fiberMain);
        } else if (b.runIdx < b.runnable.size()) {
            const int t = b.runnable[b.runIdx++];
            f = b.slot[t].fiber;
            b.slot[t].state = RUNNING;
            setCurrent(t);
        } else {
            if (b.live == 0) break;
            resolve();
            continue;
        }
        b.current = f;
        switchContext(&b.sched, &f->ctx);
        if (f->thread < 0) g_pool.give(f);
    }
    if (b.failed) {
        // Threads left waiting are abandoned: their fibers restart from the top when next used.
        for (int t = 0; t < b.n; t++) {
            Slot& s = b.slot[t];
            if (s.fiber != nullptr && s.state != EXITED) {
                g_pool.reset(s.fiber, &fiberMain);
                s.fiber = nullptr;
            }
        }
        return false;
    }
    return true;
}

unsigned long long seedBase() {
    const char* s = std::getenv("MYELIN_CUDA_EMU_SEED");
    return s != nullptr && *s != '\0' ? std::strtoull(s, nullptr, 0) : 0x4D59454C494EULL;
}

}  // namespace

bool runLaunch(const Launch& l, std::string* error) {
    BlockRun& b = g_run;
    b.launch = &l;
    b.k = l.kernel;
    b.n = (int)(l.block.x * l.block.y * l.block.z);
    b.coords.resize(b.n);
    for (int t = 0; t < b.n; t++) {
        b.coords[t] = uint3{t % l.block.x, (t / l.block.x) % l.block.y, t / (l.block.x * l.block.y)};
    }
    b.slot.assign(b.n, Slot{});
    b.order.resize(b.n);
    b.mode = (int)(l.index % 3);
    for (int t = 0; t < b.n; t++) b.order[t] = b.mode == 1 ? b.n - 1 - t : t;
    static const unsigned long long base = seedBase();
    b.rng.seed(base ^ (l.index * 0x9E3779B97F4A7C15ULL));
    b.failed = false;
    b.error.clear();
    emu_blockDim = l.block;
    emu_gridDim = l.grid;
    g_now.kernel = l.kernel->name;
    g_runner = pthread_self();
    g_now.active = 1;
    bool ok = true;
    for (unsigned z = 0; z < l.grid.z && ok; z++) {
        for (unsigned y = 0; y < l.grid.y && ok; y++) {
            for (unsigned x = 0; x < l.grid.x && ok; x++) {
                emu_blockIdx = uint3{x, y, z};
                ok = runBlock();
            }
        }
    }
    g_now.active = 0;
    if (!ok) *error = b.error;
    return ok;
}

void reportError(const std::string& what) {
    static std::mutex m;
    std::lock_guard<std::mutex> lock(m);
    const std::string line = "cuda-emu: error: " + what + "\n";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    const char* log = std::getenv("MYELIN_CUDA_EMU_LOG");
    if (log != nullptr && *log != '\0') {
        if (FILE* f = std::fopen(log, "a")) {
            std::fputs(line.c_str(), f);
            std::fclose(f);
        }
    }
}

namespace {

void writeAll(const char* s) {
    std::size_t n = std::strlen(s);
    while (n > 0) {
        const ssize_t w = write(2, s, n);
        if (w <= 0) return;
        s += w;
        n -= (std::size_t)w;
    }
}

void appendNumber(char*& p, unsigned long long v, int base) {
    char tmp[24];
    int i = 0;
    do {
        const int d = (int)(v % base);
        tmp[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0);
    while (i > 0) *p++ = tmp[--i];
}

void appendText(char*& p, const char* s, const char* end) {
    while (*s != '\0' && p < end) *p++ = *s++;
}

void appendCoord(char*& p, const uint3& c) {
    *p++ = '(';
    appendNumber(p, c.x, 10);
    *p++ = ',';
    appendNumber(p, c.y, 10);
    *p++ = ',';
    appendNumber(p, c.z, 10);
    *p++ = ')';
}

void onFault(int sig, siginfo_t* info, void* uc) {
    if (!g_now.active || !pthread_equal(pthread_self(), g_runner)) {
        // not a kernel's fault (inside a JVM, the JVM's own handler expects most SIGSEGVs): pass it on
        const struct sigaction& prev = sig == SIGSEGV ? g_previousSegv : g_previousBus;
        if (prev.sa_flags & SA_SIGINFO) {
            if (prev.sa_sigaction != nullptr) {
                prev.sa_sigaction(sig, info, uc);
                return;
            }
        } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN && prev.sa_handler != nullptr) {
            prev.sa_handler(sig);
            return;
        }
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    {
        char buf[512];
        char* p = buf;
        const char* end = buf + 300;
        appendText(p, "cuda-emu: fault in kernel ", end);
        appendText(p, g_now.kernel, end);
        appendText(p, " block ", end);
        appendCoord(p, g_now.block);
        appendText(p, " thread ", end);
        appendCoord(p, g_now.thread);
        appendText(p, " at address 0x", end);
        appendNumber(p, (unsigned long long)(uintptr_t)info->si_addr, 16);
        *p++ = '\n';
        *p = '\0';
        writeAll(buf);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

}  // namespace

void installSignalStack() {
    const std::size_t size = 64 * 1024;
    stack_t ss{};
    ss.ss_sp = std::malloc(size);
    ss.ss_size = size;
    ss.ss_flags = 0;
    sigaltstack(&ss, nullptr);
}

void installFaultHandler() {
    struct sigaction sa {};
    sa.sa_sigaction = &onFault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_previousSegv);
    sigaction(SIGBUS, &sa, &g_previousBus);
}

}  // namespace emu

// ------------------------------------------------------------------ calls from kernels

extern "C" void emu_syncthreads(const char* file, int line) {
    using namespace emu;
    const int t = currentThread();
    Slot& s = g_run.slot[t];
    s.state = AT_BARRIER;
    s.file = file;
    s.line = line;
    block();
}

extern "C" uint64_t emu_warp_op(const char* file, int line, unsigned mask, int kind, uint64_t value, int param,
                                int width) {
    using namespace emu;
    BlockRun& b = g_run;
    const int t = currentThread();
    const int warp = t / 32, lane = t % 32;
    const int lanes = lanesOf(warp);
    const std::string op = std::string(warpOpName(kind)) + " at " + site(file, line);
    if (width <= 0 || width > 32 || (width & (width - 1)) != 0) {
        fail(t, op + ": width " + std::to_string(width) + " is not a power of 2 in [1, 32]");
    } else if (!(mask >> lane & 1u)) {
        fail(t, op + ": the calling lane " + std::to_string(lane) + " is not in the mask");
    } else if (lanes < 32 && (mask >> lanes) != 0) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%08x", mask);
        fail(t, op + " with mask 0x" + buf + ": the warp has only " + std::to_string(lanes) +
                    " lanes (the block has " + std::to_string(b.n) + " threads)");
    } else {
        for (int l = 0; l < lanes; l++) {
            if ((mask >> l & 1u) && b.slot[warp * 32 + l].state == EXITED) {
                char buf[16];
                std::snprintf(buf, sizeof buf, "%08x", mask);
                fail(t, op + " with mask 0x" + buf + ": lane " + std::to_string(l) + " (thread " +
                            coordText(b.coords[warp * 32 + l]) + ") has exited");
                break;
            }
        }
    }
    Slot& s = b.slot[t];
    s.state = AT_WARP;
    s.file = file;
    s.line = line;
    s.mask = mask;
    s.kind = kind;
    s.value = value;
    s.param = param;
    s.width = width;
    block();
    return s.result;
}
