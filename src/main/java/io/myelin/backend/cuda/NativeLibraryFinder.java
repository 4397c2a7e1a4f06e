package io.myelin.backend.cuda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Finds a shared library file by soname the way the dynamic loader would, without loading it: Java
 * cannot ask {@code dlopen} whether a library exists without loading it, and JCuda's classes are
 * broken for good once their native library fails to load, so the CUDA backend decides which cuBLAS
 * to use from files first.
 *
 * <p>Search order: {@code LD_LIBRARY_PATH}, the loader cache ({@code ldconfig -p}), the CUDA toolkit
 * directories ({@code $CUDA_HOME}, {@code $CUDA_PATH}, {@code /usr/local/cuda*}), then the system
 * library directories.
 *
 * <pre>{@code
 * Optional<Path> cublas = NativeLibraryFinder.find("libcublas.so.12");
 * }</pre>
 */
final class NativeLibraryFinder {
    private static final List<String> SYSTEM_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/lib/wsl/lib");
    private static volatile List<String> ldconfigCache;

    private NativeLibraryFinder() {
    }

    /** The first regular file named {@code soname} on the search path, if any. */
    static Optional<Path> find(String soname) {
        for (String dir : searchDirectories()) {
            Path p = Path.of(dir, soname);
            if (Files.isRegularFile(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        for (String line : ldconfig()) {
            // "	libcublas.so.12 (libc6,x86-64) => /usr/local/cuda/lib64/libcublas.so.12"
            String t = line.trim();
            int arrow = t.indexOf("=>");
            if (arrow > 0 && t.startsWith(soname + " ") && t.contains("x86-64")) {
                Path p = Path.of(t.substring(arrow + 2).trim());
                if (Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
        }
        for (String dir : cudaDirectories()) {
            Path p = Path.of(dir, soname);
            if (Files.isRegularFile(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        for (String dir : SYSTEM_DIRS) {
            Path p = Path.of(dir, soname);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Where {@link #find} looked, for error messages. */
    static String searchDescription() {
        return "LD_LIBRARY_PATH, ldconfig -p, $CUDA_HOME/lib64, /usr/local/cuda*/lib64 and the system library"
                + " directories";
    }

    private static List<String> searchDirectories() {
        List<String> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(d);
                }
            }
        }
        return dirs;
    }

    private static Set<String> cudaDirectories() {
        Set<String> dirs = new LinkedHashSet<>();
        for (String env : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String home = System.getenv(env);
            if (home != null && !home.isBlank()) {
                dirs.add(home + "/lib64");
                dirs.add(home + "/targets/x86_64-linux/lib");
            }
        }
        dirs.add("/usr/local/cuda/lib64");
        dirs.add("/usr/local/cuda/targets/x86_64-linux/lib");
        List<Path> versioned = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/usr/local"), "cuda-*")) {
            ds.forEach(versioned::add);
        } catch (IOException | RuntimeException e) {
            // no /usr/local or unreadable: nothing to add
        }
        versioned.sort(null);
        for (int i = versioned.size() - 1; i >= 0; i--) {  // newest toolkit first
            dirs.add(versioned.get(i) + "/lib64");
            dirs.add(versioned.get(i) + "/targets/x86_64-linux/lib");
        }
        return dirs;
    }

    private static List<String> ldconfig() {
        List<String> cached = ldconfigCache;
        if (cached != null) {
            return cached;
        }
        List<String> lines = new ArrayList<>();
        for (String exe : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig", "/usr/bin/ldconfig"}) {
            if (!Files.isExecutable(Path.of(exe))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    r.lines().forEach(lines::add);
                }
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            break;
        }
        ldconfigCache = List.copyOf(lines);
        return ldconfigCache;
    }
}
