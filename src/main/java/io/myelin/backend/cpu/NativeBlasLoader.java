package io.myelin.backend.cpu;

import dev.ludovic.netlib.blas.NativeBLAS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Loads netlib's {@link NativeBLAS} once and remembers either the instance or why it failed. netlib
 * reports through java.util.logging: its "Using ..." line would be a second startup line next to
 * {@code Backends.create}'s, and its failure cause is logged at FINE and otherwise lost, so while loading
 * we capture netlib's records instead of printing them and put the cause into our own message.
 */
final class NativeBlasLoader {
    private static final Logger LOG = LoggerFactory.getLogger(NativeBlasLoader.class);
    private static final String NETLIB_LOGGER = "dev.ludovic.netlib.blas.InstanceBuilder";
    private static final String HINT = "netlib-java dlopens 'libblas.so.3' (set -Ddev.ludovic.netlib.blas.nativeLib=NAME"
            + " or -Ddev.ludovic.netlib.blas.nativeLibPath=PATH to choose another; on Debian/Ubuntu"
            + " 'apt-get install libopenblas0-pthread' provides it)";

    private static NativeBLAS instance;
    private static String failure;
    private static String library;
    private static boolean attempted;

    private NativeBlasLoader() {
    }

    /** The native BLAS, or an {@link IllegalStateException} saying why there is none. */
    static synchronized NativeBLAS instance() {
        load();
        if (instance == null) {
            throw new IllegalStateException("native BLAS unavailable: " + failure);
        }
        return instance;
    }

    /** Why native BLAS cannot be used, or null when it can. */
    static synchronized String unavailableReason() {
        load();
        return instance == null ? failure : null;
    }

    /** The shared objects netlib ended up using, e.g. "libblas.so.3, libopenblasp-r0.3.21.so in /usr/lib/…/openblas-pthread". */
    static synchronized String libraryDescription() {
        load();
        return library;
    }

    private static void load() {
        if (attempted) {
            return;
        }
        attempted = true;
        java.util.logging.Logger netlib = java.util.logging.Logger.getLogger(NETLIB_LOGGER);
        List<Throwable> causes = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getThrown() != null) {
                    causes.add(r.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level savedLevel = netlib.getLevel();
        boolean savedParent = netlib.getUseParentHandlers();
        netlib.setLevel(Level.FINE);
        netlib.setUseParentHandlers(false);
        netlib.addHandler(capture);
        try {
            instance = NativeBLAS.getInstance();
            library = mappedBlasLibraries();
            LOG.debug("native BLAS loaded: {}", library);
        } catch (Throwable t) {
            Throwable cause = causes.isEmpty() ? t : rootCause(causes.get(0));
            failure = cause.getClass().getSimpleName() + ": " + cause.getMessage() + "; " + HINT;
            LOG.debug("native BLAS unavailable: {}", failure);
        } finally {
            netlib.removeHandler(capture);
            netlib.setUseParentHandlers(savedParent);
            netlib.setLevel(savedLevel);
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Names the BLAS shared objects mapped into this process (Linux), which says which implementation
     * the {@code libblas.so.3} alternative resolved to; elsewhere just the name netlib asked for.
     */
    private static String mappedBlasLibraries() {
        String requested = System.getProperty("dev.ludovic.netlib.blas.nativeLibPath",
                System.getProperty("dev.ludovic.netlib.blas.nativeLib", "libblas.so.3"));
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return requested;
        }
        Set<Path> found = new LinkedHashSet<>();
        try (var lines = Files.lines(maps)) {
            lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(p -> p.startsWith("/") && p.toLowerCase(Locale.ROOT).contains("blas")
                            && !p.contains("netlibblasjni"))
                    .forEach(p -> found.add(Path.of(p)));
        } catch (IOException | RuntimeException e) {
            return requested;
        }
        if (found.isEmpty()) {
            return requested;
        }
        List<String> names = found.stream().map(p -> p.getFileName().toString()).toList();
        return String.join(", ", names) + " in " + found.iterator().next().getParent();
    }
}
