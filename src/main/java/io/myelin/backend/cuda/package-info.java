/**
 * The CUDA backend: {@link io.myelin.backend.cuda.CudaBackend} on the JCuda driver API (one primary
 * context, one stream), cuBLAS through JCublas2 for GEMM, and Myelin's own kernels from
 * {@code kernels/*.cu}, compiled to fatbins by {@code native/build-kernels.sh} and loaded from the class path.
 * It is the only package that imports {@code jcuda.*}.
 *
 * <p>{@link io.myelin.backend.cuda.CudaBackendProvider} says whether the backend can start here and, if
 * not, which piece is missing (JCuda natives, NVIDIA driver, device, kernels, cuBLAS). On CUDA 13 hosts,
 * where only {@code libcublas.so.13} exists, {@link io.myelin.backend.cuda.CublasLoader} loads the shim
 * from {@code native/cublas-shim} so JCuda 12.6's JCublas2 can bind to it (docs/cuda.md).
 */
package io.myelin.backend.cuda;
