package io.myelin.backend.cuda;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameter list of one kernel launch, in the order of the kernel's C signature. Each value is
 * copied by the driver at launch, so a KernelArgs is used once.
 *
 * <pre>{@code
 * new KernelArgs().ptr(src).ptr(dst).i(n).f(0.5f).f(1f);   // unary_affine_f32(const float* x, float* out, int n, float a, float b)
 * }</pre>
 */
final class KernelArgs {
    private static final CUdeviceptr NULL = new CUdeviceptr();
    private final List<NativePointerObject> params = new ArrayList<>(16);

    /** A device buffer ({@code float*}). */
    KernelArgs ptr(CudaStorage s) {
        params.add(Pointer.to(s.pointer()));
        return this;
    }

    /** A device buffer or a null pointer when s is null (optional state buffers). */
    KernelArgs ptrOrNull(CudaStorage s) {
        params.add(Pointer.to(s == null ? NULL : s.pointer()));
        return this;
    }

    /** An {@code int} (or {@code unsigned int}: the bits are passed as they are). */
    KernelArgs i(int v) {
        params.add(Pointer.to(new int[] {v}));
        return this;
    }

    /** A boolean passed as {@code int} 0 / 1. */
    KernelArgs flag(boolean v) {
        return i(v ? 1 : 0);
    }

    KernelArgs f(float v) {
        params.add(Pointer.to(new float[] {v}));
        return this;
    }

    /** An {@code unsigned long long} / {@code long long}. */
    KernelArgs u64(long v) {
        params.add(Pointer.to(new long[] {v}));
        return this;
    }

    int count() {
        return params.size();
    }

    /** The {@code void** kernelParams} array for cuLaunchKernel. */
    Pointer toPointer() {
        return Pointer.to(params.toArray(new NativePointerObject[0]));
    }
}
