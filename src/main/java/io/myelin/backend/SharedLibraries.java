package io.myelin.backend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a shared library file by soname the way the dynamic loader would, without loading it: Java cannot ask
 * {@code dlopen} whether a library exists without loading it, and native code that fails to load often prints
 * to the process's stderr or cannot be retried (netlib's JNI library, JCuda's classes), so backends decide from
 * files first.
 *
 * <p>Search order: {@code LD_LIBRARY_PATH}, the loader cache ({@code ldconfig -p}), the caller's extra
 * directories, then the system library directories. Only regular files count (a dangling alternatives link,
 * as {@code libblas.so.3} is when no BLAS package is installed, does not).
 *
 * <pre>{@code
 * Optional<Path> blas = SharedLibraries.find("libblas.so.3", List.of());
 * }</pre>
 */
public final class SharedLibraries {
    private static final List<String> SYSTEM_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/lib/wsl/lib");
    private static volatile List<String> ldconfigCache;

    private SharedLibraries() {
    }

    /** The first regular file named {@code soname} on the search path, if any. */
    public static Optional<Path> find(String soname, Collection<String> extraDirs) {
        for (String dir : ldLibraryPath()) {
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
        List<String> dirs = new ArrayList<>(extraDirs);
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            Path p = Path.of(dir, soname);
            if (Files.isRegularFile(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private static List<String> ldLibraryPath() {
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
