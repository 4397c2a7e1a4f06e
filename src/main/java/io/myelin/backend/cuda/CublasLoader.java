package io.myelin.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides which cuBLAS JCublas2 will bind to, and loads it before JCublas2 loads its own native library.
 *
 * <p>JCuda 12.6.0's {@code libJCublas2} needs {@code libcublas.so.12} and binds its symbols with the
 * version node {@code libcublas.so.12}. On a CUDA 12 host that library exists and is loaded as is. A
 * CUDA 13 host has only {@code libcublas.so.13}: then the shim built from {@code native/cublas-shim}
 * (soname and version node {@code libcublas.so.12}, forwarding to {@code libcublas.so.13}) is loaded in
 * its place. Libraries are loaded by absolute path, so the loader later matches JCublas2's
 * {@code NEEDED libcublas.so.12} (and the shim's {@code dlopen("libcublas.so.13")}) by soname even when
 * their directory is not on the loader's search path. The decision is made once per process: JCublas2
 * cannot be re-initialised.
 *
 * <pre>{@code
 * CublasLoader.Plan plan = CublasLoader.plan(); if (plan.usable()) CublasLoader.load(plan);
 * }</pre>
 */
final class CublasLoader {
    /** Class-path location of the shim, relative to this package (written by native/cublas-shim/build.sh). */
    static final String SHIM_RESOURCE = "linux-x86_64/libmyelin-cublas12-shim.so";

    /** How cuBLAS will be reached. */
    enum Mode {
        /** CUDA 12: the real libcublas.so.12. */
        CUDA12,
        /** CUDA 13: libcublas.so.13 behind the libcublas.so.12 shim. */
        CUDA13_SHIM,
        /** Neither is usable; {@link Plan#detail()} says why. */
        MISSING
    }

    /**
     * The decision: mode, the cuBLAS library file (null when missing), and a human line (what will be
     * used, or why nothing can be).
     */
    record Plan(Mode mode, Path library, String detail) {
        boolean usable() {
            return mode != Mode.MISSING;
        }
    }

    private static Plan loaded;

    private CublasLoader() {
    }

    /** Looks for the libraries without loading anything. */
    static Plan plan() {
        Optional<Path> cuda12 = NativeLibraryFinder.find("libcublas.so.12");
        if (cuda12.isPresent()) {
            return new Plan(Mode.CUDA12, cuda12.get(), "cuBLAS 12 (" + cuda12.get() + ")");
        }
        Optional<Path> cuda13 = NativeLibraryFinder.find("libcublas.so.13");
        if (cuda13.isEmpty()) {
            return new Plan(Mode.MISSING, null, "cuBLAS missing: neither libcublas.so.12 (CUDA 12) nor "
                    + "libcublas.so.13 (CUDA 13) was found in " + NativeLibraryFinder.searchDescription());
        }
        if (!isLinuxX64()) {
            return new Plan(Mode.MISSING, null, "cuBLAS: only libcublas.so.13 was found (" + cuda13.get()
                    + ") and the libcublas.so.12 shim exists only for linux-x86_64");
        }
        if (CublasLoader.class.getResource(SHIM_RESOURCE) == null) {
            return new Plan(Mode.MISSING, null, "cuBLAS: only libcublas.so.13 was found (" + cuda13.get()
                    + ") and this jar has no libcublas.so.12 shim (it was built without gcc)");
        }
        return new Plan(Mode.CUDA13_SHIM, cuda13.get(), "cuBLAS 13 via the libcublas.so.12 shim ("
                + cuda13.get() + ")");
    }

    /**
     * Loads the planned libraries (once per process; later calls with another plan keep the first).
     * Must run before the first use of {@code jcuda.jcublas.JCublas2}.
     *
     * @return the plan in force
     * @throws UnsatisfiedLinkError when a library cannot be loaded
     */
    static synchronized Plan load(Plan plan) {
        if (loaded != null) {
            return loaded;
        }
        if (!plan.usable()) {
            throw new IllegalStateException(plan.detail());
        }
        loadWithLt(plan.library());
        if (plan.mode() == Mode.CUDA13_SHIM) {
            System.load(extractShim().toString());
        }
        loaded = plan;
        return plan;
    }

    /** cuBLAS needs cuBLASLt from its own directory; load it first in case its RUNPATH does not say so. */
    private static void loadWithLt(Path cublas) {
        String lt = cublas.getFileName().toString().replace("libcublas.", "libcublasLt.");
        Path ltPath = cublas.resolveSibling(lt);
        if (Files.isRegularFile(ltPath)) {
            System.load(ltPath.toString());
        }
        System.load(cublas.toString());
    }

    /** Copies the shim out of the jar into a temporary file (deleted on exit) and returns its path. */
    static Path extractShim() {
        try (InputStream in = CublasLoader.class.getResourceAsStream(SHIM_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the libcublas.so.12 shim " + SHIM_RESOURCE + " is not on the class path");
            }
            Path file = Files.createTempFile("myelin-cublas12-shim-", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the cuBLAS shim to a temporary file", e);
        }
    }

    private static boolean isLinuxX64() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }
}
