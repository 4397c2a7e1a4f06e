package io.myelin.backend.cpu;

import io.myelin.backend.Availability;
import io.myelin.backend.Backend;
import io.myelin.backend.BackendProvider;

/**
 * Registers the CPU backend with {@link java.util.ServiceLoader}: name {@code cpu}, priority 0 (every
 * other backend beats it in {@code auto}), always available.
 *
 * <pre>{@code
 * Backend b = io.myelin.backend.Backends.create("cpu");
 * }</pre>
 */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.yes("always available");
    }

    @Override
    public Backend create() {
        return new CpuBackend();
    }
}
