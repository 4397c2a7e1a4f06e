package io.myelin.backend.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which BLAS library netlib would fail to open, decided from files before netlib is asked. */
class NativeBlasLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void anAbsentLibraryIsNamed() {
        assertEquals("libmyelin-absent-blas.so.3", NativeBlasLoader.missingLibrary("libmyelin-absent-blas.so.3", null, "Linux"));
        String path = tmp.resolve("nowhere/libblas.so.3").toString();
        assertEquals(path, NativeBlasLoader.missingLibrary(null, path, "Linux"));
    }

    @Test
    void aPresentLibraryOrAnotherSystemIsNotJudged() throws Exception {
        Path lib = Files.writeString(tmp.resolve("libblas.so.3"), "not really a library");
        assertNull(NativeBlasLoader.missingLibrary(null, lib.toString(), "Linux"));
        assertNull(NativeBlasLoader.missingLibrary("libmyelin-absent-blas.so.3", null, "Mac OS X"), "no search off Linux");
    }

    @Test
    void theReasonSaysWhatItCostsAndWhatToInstall() {
        assertEquals("GEMM runs in pure Java, 3-5x slower; install libopenblas0-pthread", NativeBlasLoader.CONSEQUENCE);
    }

    @Test
    void theDescriptionNamesCpuBlasLibrariesOnlyNotCublasLoadedBesideThem() {
        org.junit.jupiter.api.Assertions.assertTrue(
                NativeBlasLoader.isCpuBlas("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"));
        org.junit.jupiter.api.Assertions.assertTrue(NativeBlasLoader.isCpuBlas("/usr/lib/x86_64-linux-gnu/libblas.so.3"));
        for (String other : new String[] {"/tmp/jcuda/libJCublas2-12.6.0-linux-x86_64.so",
                "/tmp/myelin-cublas12-shim-1.so", "/work/target/cuda-emu/libcublas.so.13",
                "/tmp/libnetlibblasjni.so", "/opt/blas/libfoo.so", "[vdso]"}) {
            org.junit.jupiter.api.Assertions.assertFalse(NativeBlasLoader.isCpuBlas(other.toLowerCase()), other);
        }
    }
}
