// cuda-emu-selftest: the CUDA emulator's own checks. Each case launches small kernels (selftest_kernels.cu)
// through the fake driver API, most with one planted bug, and asserts the emulator's report text and error code.
//   cuda-emu-selftest --list     the case names, one a line
//   cuda-emu-selftest CASE       runs one case: prints "PASS CASE" (exit 0) or "FAIL CASE: why" (exit 1)
// Each case runs in its own process, as a fault is sticky for the rest of a process.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "cuda_emu_api.h"

extern "C" {
CUresult cuCtxSynchronize(void);
CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes);
CUresult cuModuleLoadData(CUmodule* module, const void* image);
CUresult cuDeviceGetCount(int* count);
CUresult cuCtxGetDevice(CUdevice* device);
CUresult cuDeviceGetName(char* name, int len, CUdevice dev);
}

namespace {

struct Failure {
    std::string why;
};

void check(bool ok, const std::string& why) {
    if (!ok) throw Failure{why};
}

void expectCode(CUresult got, CUresult want, const std::string& call) {
    if (got != want) {
        throw Failure{call + " returned " + std::to_string(got) + ", expected " + std::to_string(want)};
    }
}

std::string g_log;

/** Reports go to a log file as well as stderr; cases read it back. */
void useLog() {
    char path[] = "/tmp/cuda-emu-selftest-XXXXXX";
    const int fd = mkstemp(path);
    check(fd >= 0, "cannot create a temporary log file");
    close(fd);
    g_log = path;
    setenv("MYELIN_CUDA_EMU_LOG", path, 1);
}

std::string logText() {
    std::ifstream in(g_log);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void expectLog(const std::vector<std::string>& parts) {
    const std::string log = logText();
    for (const std::string& p : parts) {
        check(log.find(p) != std::string::npos, "the report lacks \"" + p + "\"; it was: " +
                                                    (log.empty() ? std::string("(nothing)") : log));
    }
    check(log.rfind("cuda-emu: error: ", 0) == 0, "the report does not start with \"cuda-emu: error: \": " + log);
}

CUcontext g_ctx;
CUmodule g_module;

/** cuInit, the primary context made current, and the self-test module loaded from an emulator image. */
void open() {
    useLog();
    expectCode(cuInit(0), CUDA_SUCCESS, "cuInit");
    CUdevice dev;
    expectCode(cuDeviceGet(&dev, 0), CUDA_SUCCESS, "cuDeviceGet");
    expectCode(cuDevicePrimaryCtxRetain(&g_ctx, dev), CUDA_SUCCESS, "cuDevicePrimaryCtxRetain");
    expectCode(cuCtxSetCurrent(g_ctx), CUDA_SUCCESS, "cuCtxSetCurrent");
    static const char image[] =
        "// Myelin CUDA emulator image of the self-test kernels\n"
        "planted_divergent_barrier\nplanted_shuffle_after_exit\nplanted_partial_warp_shuffle\n"
        "planted_missing_barrier\nplanted_uninitialised_shared\nplanted_out_of_bounds\n"
        "copy_f32\nadd_one_f32\nblock_sum_f32\n";
    expectCode(cuModuleLoadData(&g_module, image), CUDA_SUCCESS, "cuModuleLoadData");
}

CUfunction fn(const char* name) {
    CUfunction f;
    expectCode(cuModuleGetFunction(&f, g_module, name), CUDA_SUCCESS, std::string("cuModuleGetFunction ") + name);
    return f;
}

CUdeviceptr alloc(size_t floats) {
    CUdeviceptr p;
    expectCode(cuMemAlloc_v2(&p, floats * sizeof(float)), CUDA_SUCCESS, "cuMemAlloc_v2");
    return p;
}

std::vector<float> download(CUdeviceptr p, size_t floats) {
    std::vector<float> v(floats);
    expectCode(cuMemcpyDtoH_v2(v.data(), p, floats * sizeof(float)), CUDA_SUCCESS, "cuMemcpyDtoH_v2");
    return v;
}

CUresult launch(CUfunction f, unsigned grid, unsigned block, std::vector<void*> params, unsigned shared = 0,
                CUstream stream = nullptr) {
    return cuLaunchKernel(f, grid, 1, 1, block, 1, 1, shared, stream, params.empty() ? nullptr : params.data(),
                          nullptr);
}

int counter(int attr) {
    int v = -1;
    expectCode(cuDeviceGetAttribute(&v, attr, 0), CUDA_SUCCESS, "cuDeviceGetAttribute");
    return v;
}

// ------------------------------------------------------------------ cases

void divergentSyncthreads() {
    open();
    CUdeviceptr out = alloc(256);
    expectCode(launch(fn("planted_divergent_barrier"), 1, 256, {&out}), CUDA_SUCCESS, "cuLaunchKernel");
    expectCode(cuCtxSynchronize(), CUDA_ERROR_LAUNCH_FAILED, "cuCtxSynchronize after the divergent barrier");
    expectLog({"kernel planted_divergent_barrier block (0,0,0) thread (", "__syncthreads at native/cuda-emu/selftest_kernels.cu:10",
               "reached by 100 of 256 threads", "divergent barrier"});
    CUdeviceptr p;
    expectCode(cuMemAlloc_v2(&p, 1024), CUDA_ERROR_LAUNCH_FAILED, "cuMemAlloc_v2 after the fault (sticky)");
}

void shuffleAfterExit() {
    open();
    CUdeviceptr out = alloc(64);
    expectCode(launch(fn("planted_shuffle_after_exit"), 1, 64, {&out}), CUDA_SUCCESS, "cuLaunchKernel");
    expectCode(cuCtxSynchronize(), CUDA_ERROR_LAUNCH_FAILED, "cuCtxSynchronize after the shuffle");
    expectLog({"kernel planted_shuffle_after_exit block (0,0,0) thread (",
               "__shfl_xor_sync at native/cuda-emu/selftest_kernels.cu:18 with mask 0xffffffff", "has exited"});
}

void partialWarpShuffle() {
    open();
    CUdeviceptr out = alloc(64);
    expectCode(launch(fn("planted_partial_warp_shuffle"), 1, 48, {&out}), CUDA_SUCCESS, "cuLaunchKernel");
    expectCode(cuCtxSynchronize(), CUDA_ERROR_LAUNCH_FAILED, "cuCtxSynchronize after the shuffle");
    expectLog({"kernel planted_partial_warp_shuffle block (0,0,0) thread (", "__shfl_down_sync at native/cuda-emu/selftest_kernels.cu:23",
               "the warp has only 16 lanes"});
}

void freedPointer() {
    open();
    CUdeviceptr in = alloc(256), out = alloc(256);
    expectCode(cuMemFree_v2(in), CUDA_SUCCESS, "cuMemFree_v2");
    int n = 256;
    expectCode(launch(fn("copy_f32"), 1, 256, {&in, &out, &n}), CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel with a freed pointer");
    expectLog({"cuLaunchKernel copy_f32: argument 0 (pointer 0x", "not inside a live device allocation"});
    expectCode(cuCtxSynchronize(), CUDA_SUCCESS, "cuCtxSynchronize (a refused launch is not a device fault)");
}

void hostPointer() {
    open();
    CUdeviceptr in = alloc(256);
    std::vector<float> host(256);
    CUdeviceptr out = (CUdeviceptr)(uintptr_t)host.data();
    int n = 256;
    expectCode(launch(fn("copy_f32"), 1, 256, {&in, &out, &n}), CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel with a host pointer");
    expectLog({"cuLaunchKernel copy_f32: argument 1 (pointer 0x", "not inside a live device allocation (freed, or a host pointer)"});
}

void block1025() {
    open();
    CUdeviceptr in = alloc(2048), out = alloc(2048);
    int n = 2048;
    std::vector<void*> p = {&in, &out, &n};
    expectCode(launch(fn("copy_f32"), 1, 1025, p), CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel with block 1025");
    expectLog({"cuLaunchKernel copy_f32: block 1025x1x1 exceeds the device's limits"});
    expectCode(cuLaunchKernel(fn("copy_f32"), 1, 1, 1, 8, 2, 65, 0, nullptr, p.data(), nullptr), CUDA_ERROR_INVALID_VALUE,
               "cuLaunchKernel with block z 65");
    expectCode(cuLaunchKernel(fn("copy_f32"), 1, 65536, 1, 32, 1, 1, 0, nullptr, p.data(), nullptr), CUDA_ERROR_INVALID_VALUE,
               "cuLaunchKernel with grid y 65536");
    expectCode(launch(fn("copy_f32"), 1, 1024, p), CUDA_SUCCESS, "cuLaunchKernel with block 1024");
    expectCode(cuCtxSynchronize(), CUDA_SUCCESS, "cuCtxSynchronize");
}

void zeroGrid() {
    open();
    CUdeviceptr in = alloc(256), out = alloc(256);
    int n = 256;
    expectCode(launch(fn("copy_f32"), 0, 256, {&in, &out, &n}), CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel with grid 0");
    expectLog({"cuLaunchKernel copy_f32: a zero dimension (grid 0x1x1, block 256x1x1)"});
    expectCode(launch(fn("copy_f32"), 1, 256, {}), CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel with null kernelParams");
    expectCode(cuLaunchKernel(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr), CUDA_ERROR_INVALID_VALUE,
               "cuLaunchKernel with a null function");
}

void sharedMemory64k() {
    open();
    CUdeviceptr in = alloc(256), out = alloc(256);
    int n = 256;
    expectCode(launch(fn("copy_f32"), 1, 256, {&in, &out, &n}, 64 * 1024), CUDA_ERROR_INVALID_VALUE,
               "cuLaunchKernel with 64 KiB of dynamic shared memory");
    expectLog({"dynamic shared memory of 65536 bytes exceeds 49152"});
    expectCode(launch(fn("copy_f32"), 1, 256, {&in, &out, &n}, 48 * 1024), CUDA_SUCCESS, "cuLaunchKernel with 48 KiB");
}

void uninitialisedIsNan() {
    open();
    CUdeviceptr out = alloc(256);
    for (float v : download(out, 256)) check(std::isnan(v), "a new device allocation reads " + std::to_string(v) + ", not NaN");
    expectCode(launch(fn("planted_uninitialised_shared"), 1, 256, {&out}), CUDA_SUCCESS, "cuLaunchKernel");
    std::vector<float> v = download(out, 256);
    for (int i = 0; i < 256; i++) check(std::isnan(v[i]), "uninitialised shared memory read " + std::to_string(v[i]) + " at " + std::to_string(i));
}

void missingBarrier() {
    open();
    CUdeviceptr out = alloc(256);
    int wrongOrders = 0;
    std::string seen;
    for (int order = 0; order < 3; order++) {
        expectCode(launch(fn("planted_missing_barrier"), 1, 256, {&out}), CUDA_SUCCESS, "cuLaunchKernel");
        std::vector<float> v = download(out, 256);
        int wrong = 0;
        for (int t = 0; t < 256; t++) wrong += v[t] != (float)((t + 1) % 256 + 1);
        wrongOrders += wrong > 0;
        seen += " " + std::to_string(wrong);
    }
    check(wrongOrders >= 1, "the missing barrier gave the right result in all three thread orders");
    std::printf("wrong elements per order (forward, reverse, shuffled):%s\n", seen.c_str());
}

void outOfBoundsFaults() {
    int pipefd[2];
    check(pipe(pipefd) == 0, "pipe failed");
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    check(pid >= 0, "fork failed");
    if (pid == 0) {
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        setenv("MYELIN_CUDA_EMU_SEGV", "1", 1);
        try {
            open();
            CUdeviceptr out = alloc(256);  // 1024 bytes: its end touches the guard page
            int n = 256;
            launch(fn("planted_out_of_bounds"), 2, 256, {&out, &n});
            cuCtxSynchronize();
        } catch (const Failure& f) {
            std::fprintf(stderr, "%s\n", f.why.c_str());
        }
        _exit(0);  // reached only when nothing faulted
    }
    close(pipefd[1]);
    std::string err;
    char buf[4096];
    ssize_t r;
    while ((r = read(pipefd[0], buf, sizeof buf)) > 0) err.append(buf, (size_t)r);
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    check(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
          "the write one past the end did not end the process with SIGSEGV (status " + std::to_string(status) + "): " + err);
    check(err.find("cuda-emu: fault in kernel planted_out_of_bounds block (1,0,0) thread (0,0,0) at address 0x") != std::string::npos,
          "the fault line is missing or wrong: " + err);
}

void reductionAllOrders() {
    open();
    const int n = 10000;
    std::vector<float> in(n);
    double expected = 0;
    int positives = 0;
    for (int i = 0; i < n; i++) {
        in[i] = (float)(i % 13) - 6.0f;
        expected += in[i];
        positives += in[i] > 0.0f;
    }
    CUdeviceptr din = alloc(n), out = alloc(4), counts = alloc(4);
    expectCode(cuMemcpyHtoD_v2(din, in.data(), n * sizeof(float)), CUDA_SUCCESS, "cuMemcpyHtoD_v2");
    int nn = n;
    for (int order = 0; order < 3; order++) {
        expectCode(launch(fn("block_sum_f32"), 1, 256, {&din, &out, &counts, &nn}), CUDA_SUCCESS, "cuLaunchKernel");
        expectCode(cuCtxSynchronize(), CUDA_SUCCESS, "cuCtxSynchronize (a correct kernel must not be reported)");
        const float s = download(out, 1)[0], c = download(counts, 1)[0];
        check(s == (float)expected, "order " + std::to_string(order) + ": sum " + std::to_string(s) + ", expected " + std::to_string(expected));
        check(c == (float)positives, "order " + std::to_string(order) + ": " + std::to_string(c) + " positives, expected " + std::to_string(positives));
    }
    check(logText().empty(), "a correct kernel was reported: " + logText());
}

void streamOrderAndCounters() {
    open();
    int isEmu = 0;
    expectCode(cuDeviceGetAttribute(&isEmu, MYELIN_EMU_ATTR_IS_EMULATOR, 0), CUDA_SUCCESS, "cuDeviceGetAttribute(emulator)");
    check(isEmu == 1, "the emulator attribute is " + std::to_string(isEmu));
    const int launches0 = counter(MYELIN_EMU_ATTR_LAUNCHES), syncs0 = counter(MYELIN_EMU_ATTR_SYNCS);
    const int d2h0 = counter(MYELIN_EMU_ATTR_D2H), h2d0 = counter(MYELIN_EMU_ATTR_H2D);
    const int allocs0 = counter(MYELIN_EMU_ATTR_LIVE_ALLOCS);
    CUstream stream;
    expectCode(cuStreamCreate(&stream, 1), CUDA_SUCCESS, "cuStreamCreate");
    const int n = 64 * 1024;
    CUdeviceptr x = alloc(n);
    check(counter(MYELIN_EMU_ATTR_LIVE_ALLOCS) == allocs0 + 1, "live allocations did not grow by 1");
    check(counter(MYELIN_EMU_ATTR_LIVE_KIB) == n * 4 / 1024, "live KiB is " + std::to_string(counter(MYELIN_EMU_ATTR_LIVE_KIB)));
    const float two = 2.0f;
    unsigned bits;
    std::memcpy(&bits, &two, 4);
    expectCode(cuMemsetD32Async(x, bits, n, stream), CUDA_SUCCESS, "cuMemsetD32Async");
    int nn = n;
    expectCode(launch(fn("add_one_f32"), 64, 256, {&x, &nn}, 0, stream), CUDA_SUCCESS, "cuLaunchKernel");
    float* pinned = nullptr;
    expectCode(cuMemAllocHost_v2(reinterpret_cast<void**>(&pinned), n * sizeof(float)), CUDA_SUCCESS, "cuMemAllocHost_v2");
    expectCode(cuMemcpyDtoHAsync_v2(pinned, x, n * sizeof(float), stream), CUDA_SUCCESS, "cuMemcpyDtoHAsync_v2");
    check(counter(MYELIN_EMU_ATTR_SYNCS) == syncs0, "an async D2H into pinned memory counted a synchronization");
    expectCode(cuStreamSynchronize(stream), CUDA_SUCCESS, "cuStreamSynchronize");
    for (int i = 0; i < n; i++) check(pinned[i] == 3.0f, "element " + std::to_string(i) + " is " + std::to_string(pinned[i]) + ", not 2 + 1");
    std::vector<float> host(n, 5.0f);
    expectCode(cuMemcpyHtoDAsync_v2(x, host.data(), n * sizeof(float), stream), CUDA_SUCCESS, "cuMemcpyHtoDAsync_v2");
    host.assign(n, -1.0f);  // pageable source: staged at the call, so this write must not reach the device
    expectCode(launch(fn("add_one_f32"), 64, 256, {&x, &nn}, 0, stream), CUDA_SUCCESS, "cuLaunchKernel");
    expectCode(cuMemcpyDtoHAsync_v2(host.data(), x, n * sizeof(float), stream), CUDA_SUCCESS, "cuMemcpyDtoHAsync_v2 (pageable)");
    for (int i = 0; i < n; i++) check(host[i] == 6.0f, "element " + std::to_string(i) + " is " + std::to_string(host[i]) + ", not 5 + 1");
    check(counter(MYELIN_EMU_ATTR_LAUNCHES) == launches0 + 2, "launches counted " + std::to_string(counter(MYELIN_EMU_ATTR_LAUNCHES) - launches0));
    check(counter(MYELIN_EMU_ATTR_D2H) == d2h0 + 2, "D2H copies counted " + std::to_string(counter(MYELIN_EMU_ATTR_D2H) - d2h0));
    check(counter(MYELIN_EMU_ATTR_H2D) == h2d0 + 1, "H2D copies counted " + std::to_string(counter(MYELIN_EMU_ATTR_H2D) - h2d0));
    check(counter(MYELIN_EMU_ATTR_SYNCS) == syncs0 + 2, "synchronizations counted " + std::to_string(counter(MYELIN_EMU_ATTR_SYNCS) - syncs0)
                                                            + " (cuStreamSynchronize and the pageable D2H)");
    expectCode(cuStreamQuery(stream), CUDA_SUCCESS, "cuStreamQuery on a drained stream");
    expectCode(cuMemFree_v2(x), CUDA_SUCCESS, "cuMemFree_v2");
    check(counter(MYELIN_EMU_ATTR_LIVE_ALLOCS) == allocs0, "live allocations did not drop back");
    check(counter(MYELIN_EMU_ATTR_SYNCS) == syncs0 + 3, "cuMemFree did not count as a synchronization");
    expectCode(cuMemFreeHost(pinned), CUDA_SUCCESS, "cuMemFreeHost");
    expectCode(cuStreamDestroy_v2(stream), CUDA_SUCCESS, "cuStreamDestroy_v2");
}

void driverErrors() {
    int count = 0;
    expectCode(cuDeviceGetCount(&count), CUDA_ERROR_NOT_INITIALIZED, "cuDeviceGetCount before cuInit");
    expectCode(cuInit(0), CUDA_SUCCESS, "cuInit");
    CUdeviceptr p;
    expectCode(cuMemAlloc_v2(&p, 256), CUDA_ERROR_INVALID_CONTEXT, "cuMemAlloc_v2 without a current context");
    CUdevice d;
    expectCode(cuCtxGetDevice(&d), CUDA_ERROR_INVALID_CONTEXT, "cuCtxGetDevice without a current context");
    expectCode(cuDeviceGet(&d, 1), CUDA_ERROR_INVALID_DEVICE, "cuDeviceGet(1)");
    open();
    char name[128];
    expectCode(cuDeviceGetName(name, sizeof name, 0), CUDA_SUCCESS, "cuDeviceGetName");
    check(std::strstr(name, "emulated") != nullptr, std::string("the device name does not say emulated: ") + name);
    int major = 0;
    expectCode(cuDeviceGetAttribute(&major, 75, 0), CUDA_SUCCESS, "cuDeviceGetAttribute(compute capability major)");
    check(major == 9, "compute capability major " + std::to_string(major));
    CUfunction f;
    expectCode(cuModuleGetFunction(&f, g_module, "no_such_kernel"), CUDA_ERROR_NOT_FOUND, "cuModuleGetFunction of a missing name");
    CUmodule m;
    const char garbage[] = "\x01\x02\x03 not an image";
    expectCode(cuModuleLoadData(&m, garbage), CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData of garbage");
    expectCode(cuMemAlloc_v2(&p, 0), CUDA_ERROR_INVALID_VALUE, "cuMemAlloc_v2 of 0 bytes");
    expectCode(cuMemFree_v2(12345), CUDA_ERROR_INVALID_VALUE, "cuMemFree_v2 of a pointer never allocated");
    const char* s = nullptr;
    expectCode(cuGetErrorName(719, &s), CUDA_SUCCESS, "cuGetErrorName(719)");
    check(s != nullptr && std::strcmp(s, "CUDA_ERROR_LAUNCH_FAILED") == 0, "cuGetErrorName(719) is not CUDA_ERROR_LAUNCH_FAILED");
}

struct Case {
    const char* name;
    void (*run)();
};

const Case kCases[] = {
    {"divergent-syncthreads", divergentSyncthreads},
    {"shuffle-after-exit", shuffleAfterExit},
    {"partial-warp-shuffle", partialWarpShuffle},
    {"freed-pointer", freedPointer},
    {"host-pointer", hostPointer},
    {"block-1025-threads", block1025},
    {"zero-grid", zeroGrid},
    {"shared-memory-64k", sharedMemory64k},
    {"uninitialised-is-nan", uninitialisedIsNan},
    {"missing-barrier", missingBarrier},
    {"out-of-bounds-faults", outOfBoundsFaults},
    {"reduction-all-orders", reductionAllOrders},
    {"stream-order-and-counters", streamOrderAndCounters},
    {"driver-errors", driverErrors},
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: cuda-emu-selftest --list | CASE\n");
        return 2;
    }
    const std::string arg = argv[1];
    if (arg == "--list") {
        for (const Case& c : kCases) std::printf("%s\n", c.name);
        return 0;
    }
    for (const Case& c : kCases) {
        if (arg != c.name) continue;
        int rc = 0;
        try {
            c.run();
            std::printf("PASS %s\n", c.name);
        } catch (const Failure& f) {
            std::printf("FAIL %s: %s\n", c.name, f.why.c_str());
            rc = 1;
        }
        if (!g_log.empty()) unlink(g_log.c_str());
        std::fflush(stdout);
        _exit(rc);  // the emulator thread may still wait for work: do not run static destructors under it
    }
    std::fprintf(stderr, "error: unknown case '%s' (cuda-emu-selftest --list names them)\n", arg.c_str());
    return 2;
}
