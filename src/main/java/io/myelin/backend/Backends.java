package io.myelin.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Finds backends with {@link ServiceLoader} and starts one by name. {@code auto} takes the available
 * provider with the highest priority that {@link Availability#automatic() auto may choose} (an emulated
 * device is started only by name) and logs one line saying which, and why better ones were skipped;
 * a named backend that cannot start is an error, never a silent fallback.
 *
 * <pre>{@code
 * try (Backend b = Backends.create("auto")) { ... }
 * }</pre>
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    private Backends() {
    }

    /** All providers on the class path, best first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> all = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(all::add);
        all.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return all;
    }

    /** Names of the providers found, best first. */
    public static List<String> names() {
        return providers().stream().map(BackendProvider::name).toList();
    }

    /**
     * Starts the backend called {@code name} ({@code auto}, {@code cpu}, {@code cuda}).
     *
     * @throws BackendUnavailableException when the named backend is unknown or cannot start here
     */
    public static Backend create(String name) {
        String wanted = name == null ? "auto" : name.toLowerCase(Locale.ROOT).trim();
        List<BackendProvider> providers = providers();
        if (wanted.equals("auto")) {
            List<String> skipped = new ArrayList<>();
            for (BackendProvider p : providers) {
                Availability a = p.availability();
                if (a.automatic()) {
                    Backend b = p.create();
                    LOG.info("backend: {} ({}){}", p.name(), b.description(),
                            skipped.isEmpty() ? "" : "; " + String.join("; ", skipped));
                    return b;
                }
                skipped.add(p.name() + " skipped: " + (a.available() ? a.autoSkipReason() : a.reason()));
            }
            throw new BackendUnavailableException("no backend is available: " + String.join("; ", skipped));
        }
        for (BackendProvider p : providers) {
            if (p.name().equals(wanted)) {
                Availability a = p.availability();
                if (!a.available()) {
                    throw new BackendUnavailableException("backend '" + wanted + "' cannot start: " + a.reason());
                }
                Backend b = p.create();
                LOG.info("backend: {} ({})", p.name(), b.description());
                return b;
            }
        }
        throw new BackendUnavailableException("unknown backend '" + name + "'; known: auto, "
                + String.join(", ", names()));
    }
}
