package io.myelin.backend.cuda;

import io.myelin.backend.Availability;
import io.myelin.backend.Backend;
import io.myelin.backend.BackendProvider;
import io.myelin.backend.BackendUnavailableException;

/**
 * Registers the CUDA backend ({@code cuda}, priority 100, so {@code auto} prefers it when it can start).
 * On the CUDA emulator (target/cuda-emu, docs/cuda.md) it is available by name only: {@code auto} skips it.
 *
 * <pre>{@code
 * Availability a = new CudaBackendProvider().availability(); // e.g. "no NVIDIA driver (libcuda.so.1 not found)"
 * }</pre>
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        return CudaProbe.availability();
    }

    @Override
    public Backend create() {
        CudaProbe.Result probe = CudaProbe.result();
        if (!probe.availability().available()) {
            throw new BackendUnavailableException("backend 'cuda' cannot start: " + probe.availability().reason());
        }
        return new CudaBackend(probe.cublas(), probe.emulated());
    }
}
