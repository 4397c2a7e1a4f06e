// The block scheduler: runs one kernel launch, block after block, with the threads of a block as fibers on the
// calling (emulator) thread, and checks barriers and warp operations strictly (see docs/cuda.md).
#pragma once

#include <string>
#include <vector>

#include "emu_runtime.h"

namespace emu {

/** One queued launch: the kernel, its configuration and a copy of its argument values (packed per KernelEntry). */
struct Launch {
    const KernelEntry* kernel;
    uint3 grid, block;
    unsigned int dynamicShared;
    std::vector<unsigned char> args;
    unsigned long long index;  // launch counter: picks the thread order (forward, reverse, shuffled)
};

/** Runs every block of l. On a fault returns false with the report line (without the "cuda-emu: error: " prefix). */
bool runLaunch(const Launch& l, std::string* error);

/** Prints "cuda-emu: error: <what>" to stderr and appends it to $MYELIN_CUDA_EMU_LOG when that is set. */
void reportError(const std::string& what);

/** Installs a SIGSEGV/SIGBUS handler that names the kernel, block and thread running at the fault, then re-raises. */
void installFaultHandler();

/** Gives the calling thread an alternate signal stack (so the fault handler runs after a fiber stack overflow). */
void installSignalStack();

}  // namespace emu
