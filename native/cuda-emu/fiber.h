// Fibers for the emulator's block scheduler: a context switch and a pool of guarded stacks.
// On x86-64 the switch is a few instructions of SysV assembly (callee-saved registers, mxcsr and the x87 control
// word; no system call); elsewhere it falls back to ucontext's swapcontext.
#pragma once

#include <cstddef>
#include <vector>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace emu {

/** A saved execution context. */
struct Context {
#if defined(__x86_64__)
    void* sp = nullptr;
#else
    ucontext_t uc;
#endif
};

/** Saves the current context into from and resumes to. */
void switchContext(Context* from, Context* to);

/** A fiber: a guarded stack and its context; thread is the GPU thread it carries (-1 when idle). */
struct Fiber {
    Context ctx;
    unsigned char* stackLow = nullptr;  // the lowest usable byte (a PROT_NONE guard page lies below it)
    std::size_t stackSize = 0;
    int thread = -1;
};

/** Stacks of kStackSize bytes, reused across blocks and launches. Used by one thread only. */
class FiberPool {
   public:
    static constexpr std::size_t kStackSize = 128 * 1024;

    /** An idle fiber that starts entry(arg) when first switched to (or continues its loop if reused). */
    Fiber* take(void (*entry)(void*));

    /** Returns an idle fiber (its loop will continue where it left off when next taken). */
    void give(Fiber* f) { idle_.push_back(f); }

    /** Returns a fiber whose stack holds an abandoned thread: its context restarts from entry. */
    void reset(Fiber* f, void (*entry)(void*));

   private:
    void init(Fiber* f, void (*entry)(void*));
    std::vector<Fiber*> idle_;
};

}  // namespace emu
