package io.myelin.backend.cpu;

import dev.ludovic.netlib.blas.NativeBLAS;
import io.myelin.backend.SharedLibraries;
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
 * Loads netlib's {@link NativeBLAS} once and remembers either the instance or why it failed, in words for the
 * start-up line ({@code "libblas.so.3 not found: GEMM runs in pure Java, 3-5x slower; install
 * libopenblas0-pthread"}). netlib's JNI library prints its own {@code JNI_OnLoad: dlopen(...) failed} line to
 * the process's stderr when the BLAS library is missing, where Java cannot catch it, so on Linux the library
 * is looked for first ({@link SharedLibraries}) and netlib is not asked when it is absent. netlib reports
 * through java.util.logging: its "Using ..." line would be a second startup line next to
 * {@code Backends.create}'s, and its failure cause is logged at FINE and otherwise lost, so while loading
 * we capture netlib's records instead of printing them and put the cause into our own message.
 */
final class NativeBlasLoader {
    private static final Logger LOG = LoggerFactory.getLogger(NativeBlasLoader.class);
    private static final String NETLIB_LOGGER = "dev.ludovic.netlib.blas.InstanceBuilder";
    static final String LIB_PROPERTY = "dev.ludovic.netlib.blas.nativeLib";
    static final String LIB_PATH_PROPERTY = "dev.ludovic.netlib.blas.nativeLibPath";
    /** What the pure-Java fallback costs (docs/benchmarks.md: 3.3-5.5x fewer GFLOPS than OpenBLAS) and the fix. */
    static final String CONSEQUENCE = "GEMM runs in pure Java, 3-5x slower; install libopenblas0-pthread";
    private static final String HINT = "netlib-java dlopens 'libblas.so.3' (set -D" + LIB_PROPERTY + "=NAME"
            + " or -D" + LIB_PATH_PROPERTY + "=PATH to choose another)";

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
            throw new IllegalStateException("native BLAS unavailable: " + failure + "; " + HINT);
        }
        return instance;
    }

    /** Why native BLAS cannot be used and what that costs, one clause, or null when it can be used. */
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
        String missing = missingLibrary(System.getProperty(LIB_PROPERTY), System.getProperty(LIB_PATH_PROPERTY),
                System.getProperty("os.name", ""));
        if (missing != null) {
            failure = missing + " not found: " + CONSEQUENCE;
            LOG.debug("native BLAS unavailable: {}", failure);
            return;
        }
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
            String name = System.getProperty(LIB_PATH_PROPERTY, System.getProperty(LIB_PROPERTY, "libblas.so.3"));
            String why = String.valueOf(cause.getMessage()).contains("unsupported JNI version")
                    ? "netlib's JNI library could not load it" : firstLine(String.valueOf(cause.getMessage()));
            failure = name + " could not be used (" + why + "): " + CONSEQUENCE;
            LOG.debug("native BLAS unavailable: {}", failure);
        } finally {
            netlib.removeHandler(capture);
            netlib.setUseParentHandlers(savedParent);
            netlib.setLevel(savedLevel);
        }
    }

    /**
     * The BLAS library that netlib would fail to open, or null when it exists or this cannot tell (not Linux):
     * {@code path} ({@value #LIB_PATH_PROPERTY}) when set, else {@code name} ({@value #LIB_PROPERTY}, default
     * {@code libblas.so.3}) on the loader's search path.
     */
    static String missingLibrary(String name, String path, String osName) {
        if (path != null && !path.isBlank()) {
            return Files.isRegularFile(Path.of(path)) ? null : path;
        }
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        String soname = name == null || name.isBlank() ? "libblas.so.3" : name;
        return SharedLibraries.find(soname, List.of()).isPresent() ? null : soname;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
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
                    .filter(p -> isCpuBlas(p.toLowerCase(Locale.ROOT)))
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

    /** A mapped file that is a CPU BLAS: not netlib's JNI glue, nor cuBLAS (or JCublas, or its shim) of a CUDA backend. */
    static boolean isCpuBlas(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return path.startsWith("/") && file.contains("blas") && !file.contains("netlibblasjni")
                && !file.contains("cublas");
    }
}
