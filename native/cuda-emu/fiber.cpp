// Context switch and guarded fiber stacks (see fiber.h).
#include "fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__)
extern "C" void emu_ctx_switch(void** saveSp, void* newSp);
extern "C" void emu_ctx_start();

// emu_ctx_switch(saveSp, newSp): push the callee-saved registers, mxcsr and the x87 control word, store rsp in
// *saveSp, load newSp and pop the same frame from it. emu_ctx_start is where a new fiber's first switch returns
// to: r12 holds the argument and r13 the entry function (which never returns).
asm(R"(
    .text
    .globl emu_ctx_switch
    .hidden emu_ctx_switch
    .type emu_ctx_switch,@function
emu_ctx_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_ctx_switch,.-emu_ctx_switch

    .globl emu_ctx_start
    .hidden emu_ctx_start
    .type emu_ctx_start,@function
emu_ctx_start:
    movq %r12, %rdi
    callq *%r13
    ud2
    .size emu_ctx_start,.-emu_ctx_start
)");
#endif

namespace emu {

void switchContext(Context* from, Context* to) {
#if defined(__x86_64__)
    emu_ctx_switch(&from->sp, to->sp);
#else
    swapcontext(&from->uc, &to->uc);
#endif
}

Fiber* FiberPool::take(void (*entry)(void*)) {
    if (!idle_.empty()) {
        Fiber* f = idle_.back();
        idle_.pop_back();
        return f;
    }
    Fiber* f = new Fiber();
    const std::size_t page = (std::size_t)sysconf(_SC_PAGESIZE);
    void* m = mmap(nullptr, kStackSize + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (m == MAP_FAILED) {
        std::fprintf(stderr, "cuda-emu: error: cannot map a fiber stack of %zu bytes\n", kStackSize);
        std::abort();
    }
    mprotect(m, page, PROT_NONE);  // guard: a stack overflow faults at once
    f->stackLow = static_cast<unsigned char*>(m) + page;
    f->stackSize = kStackSize;
    init(f, entry);
    return f;
}

void FiberPool::reset(Fiber* f, void (*entry)(void*)) {
    init(f, entry);
    f->thread = -1;
    idle_.push_back(f);
}

void FiberPool::init(Fiber* f, void (*entry)(void*)) {
#if defined(__x86_64__)
    // Frame popped by emu_ctx_switch, from low to high: mxcsr|fpucw, r15, r14, r13, r12, rbx, rbp, return address.
    uintptr_t top = reinterpret_cast<uintptr_t>(f->stackLow + f->stackSize) & ~uintptr_t(15);
    uintptr_t x = top - 16;  // rsp after the `ret` into emu_ctx_start: 16-byte aligned before its call
    uint64_t* frame = reinterpret_cast<uint64_t*>(x - 64);
    uint32_t mxcsr;
    uint16_t fpucw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fpucw));
    uint64_t ctl = mxcsr | (uint64_t)fpucw << 32;
    frame[0] = ctl;
    frame[1] = 0;                                         // r15
    frame[2] = 0;                                         // r14
    frame[3] = reinterpret_cast<uint64_t>(entry);         // r13
    frame[4] = reinterpret_cast<uint64_t>(f);             // r12
    frame[5] = 0;                                         // rbx
    frame[6] = 0;                                         // rbp
    frame[7] = reinterpret_cast<uint64_t>(&emu_ctx_start);  // return address
    f->ctx.sp = frame;
#else
    getcontext(&f->ctx.uc);
    f->ctx.uc.uc_stack.ss_sp = f->stackLow;
    f->ctx.uc.uc_stack.ss_size = f->stackSize;
    f->ctx.uc.uc_link = nullptr;
    makecontext(&f->ctx.uc, reinterpret_cast<void (*)()>(entry), 1, f);
#endif
}

}  // namespace emu
