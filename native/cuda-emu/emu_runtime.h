// Internal interface between host-compiled kernels (cuda_emu_device.h), the block scheduler
// (scheduler.cpp) and the fake driver (driver.cpp). Not part of any public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

namespace emu {

/** Coordinates as CUDA's uint3 / dim3. */
struct uint3 {
    unsigned int x, y, z;
};

/** The most parameters one kernel may take (our kernels take at most 18). */
constexpr int kMaxParams = 32;

/** One host-compiled kernel: its name, C++ parameter list (sizes, which are pointers) and an invoker. */
struct KernelEntry {
    const char* name;
    int nparams;
    std::size_t size[kMaxParams];
    std::size_t offset[kMaxParams];  // of each argument in the packed argument buffer
    bool pointer[kMaxParams];
    std::size_t argBytes;            // total bytes of the packed buffer
    void (*invoke)(const void* fn, const unsigned char* args);
    const void* fn;
    unsigned char* sharedBegin;      // this module's __shared__ section, refilled at every block start
    unsigned char* sharedEnd;
    const char* module;
};

template <std::size_t N>
struct Offsets {
    std::size_t v[N > 0 ? N : 1];
};

/** Offsets of each argument in the packed buffer: every argument 8-byte aligned, in order. */
template <typename... A>
constexpr Offsets<sizeof...(A)> offsetsOf() {
    Offsets<sizeof...(A)> o{};
    const std::size_t sizes[] = {sizeof(A)..., 0};
    std::size_t at = 0;
    for (std::size_t i = 0; i < sizeof...(A); i++) {
        at = (at + 7) & ~std::size_t(7);
        o.v[i] = at;
        at += sizes[i];
    }
    return o;
}

template <typename... A, std::size_t... I>
void invokeUnpacked(const void* fn, const unsigned char* args, std::index_sequence<I...>) {
    using Fn = void (*)(A...);
    static constexpr Offsets<sizeof...(A)> o = offsetsOf<A...>();
    (void)o;
    (void)args;
    reinterpret_cast<Fn>(const_cast<void*>(fn))(
        *reinterpret_cast<const std::remove_cv_t<std::remove_reference_t<A>>*>(args + o.v[I])...);
}

template <typename... A>
void invokeKernel(const void* fn, const unsigned char* args) {
    invokeUnpacked<A...>(fn, args, std::index_sequence_for<A...>{});
}

/** Builds the entry of kernel fn from its C++ signature (every argument 8-byte aligned in the buffer). */
template <typename... A>
KernelEntry kernelEntry(const char* name, void (*fn)(A...), unsigned char* sharedBegin, unsigned char* sharedEnd,
                        const char* module) {
    static_assert(sizeof...(A) <= kMaxParams, "too many kernel parameters");
    KernelEntry e{};
    e.name = name;
    e.nparams = (int)sizeof...(A);
    const std::size_t sizes[] = {sizeof(A)..., 0};
    const bool ptrs[] = {std::is_pointer<A>::value..., false};
    const Offsets<sizeof...(A)> o = offsetsOf<A...>();
    e.argBytes = 0;
    for (int i = 0; i < e.nparams; i++) {
        e.size[i] = sizes[i];
        e.offset[i] = o.v[i];
        e.pointer[i] = ptrs[i];
        e.argBytes = o.v[i] + sizes[i];
    }
    e.invoke = &invokeKernel<A...>;
    e.fn = reinterpret_cast<const void*>(fn);
    e.sharedBegin = sharedBegin;
    e.sharedEnd = sharedEnd;
    e.module = module;
    return e;
}

/** A table of kernels compiled into this process, registered by a static constructor per module. */
struct ModuleTable {
    const char* module;
    const KernelEntry* entries;
    int count;
    ModuleTable* next;
};

}  // namespace emu

extern "C" {
/** The thread and block coordinates of the thread now running (set by the scheduler at every switch). */
extern emu::uint3 emu_threadIdx, emu_blockIdx, emu_blockDim, emu_gridDim;

/** Adds a module's kernels to the process-wide registry (called from static constructors). */
void emu_register_module(emu::ModuleTable* table);

/** __syncthreads() at file:line. */
void emu_syncthreads(const char* file, int line);

/** Warp operation kinds. */
enum EmuWarpKind { EMU_SHFL_IDX, EMU_SHFL_UP, EMU_SHFL_DOWN, EMU_SHFL_XOR, EMU_BALLOT, EMU_ANY, EMU_ALL, EMU_SYNCWARP };

/**
 * A warp-synchronous operation of the calling lane: waits until every lane of mask arrives at the same call site,
 * then returns this lane's result (the value bits of the source lane for shuffles; the ballot / vote otherwise).
 */
uint64_t emu_warp_op(const char* file, int line, unsigned mask, int kind, uint64_t value, int param, int width);
}
