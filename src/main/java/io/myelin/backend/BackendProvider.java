package io.myelin.backend;

/**
 * Service-provider entry for a backend, found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/io.myelin.backend.BackendProvider}). {@code auto} picks the available provider
 * with the highest priority.
 */
public interface BackendProvider {
    /** Short name used on the command line: {@code cpu}, {@code cuda}. */
    String name();

    /** Higher wins in {@code auto}. CPU is 0, CUDA 100. */
    int priority();

    /** Cheap check whether {@link #create()} can succeed here; says why not. Never throws. */
    Availability availability();

    /** Starts the backend. Only called when {@link #availability()} said yes (or the user insisted). */
    Backend create();
}
