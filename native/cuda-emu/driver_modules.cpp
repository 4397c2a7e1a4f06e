// The fake driver's modules and launches: images are matched to the host-compiled kernels by the names they
// hold; cuLaunchKernel checks what the real driver refuses (and pointer arguments) and queues the launch.
#include "driver_state.h"

using namespace emu_driver;

namespace {


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

extern "C" {


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
}  // extern "C"
