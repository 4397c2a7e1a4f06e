package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import picocli.CommandLine.Option;

/**
 * {@code --backend auto|cpu|cuda}, one declaration for every command that computes (a picocli mixin).
 *
 * <pre>{@code
 * BackendOption option = new BackendOption();   // in a command, a field: @Mixin BackendOption option;
 * try (Backend be = option.create()) { ... }
 * }</pre>
 */
final class BackendOption {
    @Option(names = "--backend", defaultValue = "auto", description = "auto | cpu | cuda (default: ${DEFAULT-VALUE}).")
    String backend;

    /** The backend's name as given ({@code auto}, {@code cpu}, {@code cuda}). */
    String name() {
        return backend;
    }

    /**
     * Refuses a name that is no backend, before anything is read or started (whether a known backend can
     * start here is for {@link #create} to say).
     */
    void check() {
        String wanted = backend == null ? "auto" : backend.toLowerCase(java.util.Locale.ROOT).trim();
        if (!wanted.equals("auto") && !Backends.names().contains(wanted)) {
            throw new UserError("unknown backend '" + backend + "'; known: auto, " + String.join(", ", Backends.names()));
        }
    }

    /** Starts the backend ({@link Backends#create}); the caller closes it. */
    Backend create() {
        return Backends.create(backend);
    }
}
