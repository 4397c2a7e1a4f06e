// The fake driver's memory: device allocations (each its own mapping between guard pages, filled with 0xFF),
// pinned host memory, copies and memsets with CUDA's stream semantics.
#include "driver_state.h"

using namespace emu_driver;

extern "C" {


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
}  // extern "C"
