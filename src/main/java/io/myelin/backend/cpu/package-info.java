/**
 * The CPU backend: the reference implementation of {@link io.myelin.backend.Backend} on {@code float[]}
 * buffers (DESIGN.md, "The CPU backend is the reference").
 *
 * <p>Parts: {@link io.myelin.backend.cpu.CpuBackend} (the SPI, one method per primitive, delegating to the
 * op-family kernels {@code *Kernels}), {@link io.myelin.backend.cpu.BufferPool} (exact-length caching
 * allocator), {@link io.myelin.backend.cpu.Parallel} (splits large loops across cores), and the GEMM
 * providers behind {@link io.myelin.backend.cpu.Gemm}: native BLAS through netlib JNI, a pure-Java
 * blocked kernel, and EJML.
 */
package io.myelin.backend.cpu;
