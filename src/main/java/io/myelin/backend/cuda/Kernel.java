package io.myelin.backend.cuda;

/**
 * One CUDA kernel: the fatbin module it lives in ({@code kernels/<module>.cu}) and its
 * {@code extern "C"} name.
 *
 * <pre>{@code
 * Kernel k = KernelCatalog.softmax(); // softmax/softmax_fwd_f32
 * }</pre>
 */
record Kernel(String module, String name) {
    @Override
    public String toString() {
        return module + "/" + name;
    }
}
