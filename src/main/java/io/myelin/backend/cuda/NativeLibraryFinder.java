package io.myelin.backend.cuda;

import io.myelin.backend.SharedLibraries;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a CUDA library file by soname without loading it ({@link SharedLibraries}, with the CUDA toolkit
 * directories added): JCuda's classes are broken for good once their native library fails to load, so the
 * CUDA backend decides which cuBLAS to use from files first.
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
    private NativeLibraryFinder() {
    }

    /** The first regular file named {@code soname} on the search path, if any. */
    static Optional<Path> find(String soname) {
        return SharedLibraries.find(soname, cudaDirectories());
    }

    /** Where {@link #find} looked, for error messages. */
    static String searchDescription() {
        return "LD_LIBRARY_PATH, ldconfig -p, $CUDA_HOME/lib64, /usr/local/cuda*/lib64 and the system library"
                + " directories";
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
}
