package io.myelin.backend.cuda;

import io.myelin.backend.cuda.ChildProcess.Result;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libcublas.so.12 shim for CUDA 13 hosts (native/cublas-shim), checked without a GPU: its symbols
 * carry the version node JCublas2 binds against, and JCublas2 calls reach a fake libcublas.so.13
 * through it with every argument intact. Needs gcc and readelf (skipped, saying so, without them).
 */
class CublasShimTest {

    /** Runs a command; returns exit code and merged output, or null when the program does not exist. */
    private static Result run(List<String> command, Path dir) throws IOException, InterruptedException {
        return ChildProcess.run(command, dir, "MYELIN_CUBLAS_TARGET");
    }

    private static void assumeTool(String tool) throws IOException, InterruptedException {
        Result r = run(List.of(tool, "--version"), null);
        Assumptions.assumeTrue(r != null && r.code() == 0, tool + " not found: shim checks skipped");
    }

    private static Path shim() {
        Assumptions.assumeTrue(CublasLoader.class.getResource(CublasLoader.SHIM_RESOURCE) != null,
                "the build did not produce the cuBLAS shim (no gcc, or -Dmyelin.shim.skip=true)");
        return CublasLoader.extractShim();
    }

    /** Names listed in the shim's version script. */
    private static List<String> exportedNames() throws IOException {
        String map = Files.readString(Path.of(System.getProperty("basedir", "."), "native", "cublas-shim",
                "libcublas.so.12.map"));
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("^\\s*(cublas\\w+);", Pattern.MULTILINE).matcher(map);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertFalse(names.isEmpty(), "no exports in the version script");
        return names;
    }

    /**
     * The child JVM's class path from where the classes it needs were loaded (java.class.path is only the
     * launcher's jar under the JUnit console launcher): test classes, Myelin (shim resource included),
     * JCuda, JCublas and JCublas' natives.
     */
    private static String childClassPath() throws Exception {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {ShimForwardingCheck.class, CublasLoader.class, jcuda.Pointer.class,
                jcuda.jcublas.JCublas2.class}) {
            entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        URL natives = CublasShimTest.class.getResource("/lib/libJCublas2-12.6.0-linux-x86_64.so");
        if (natives != null && natives.getProtocol().equals("jar")) {
            String file = natives.getPath();  // file:/path/x.jar!/lib/...
            entries.add(Path.of(new URI(file.substring(0, file.indexOf("!/")))).toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    @Test
    void shimCarriesTheSonameAndVersionNodeJCublas2BindsAgainst(@TempDir Path dir) throws Exception {
        assumeTool("readelf");
        Path shim = shim();
        Result dynamic = run(List.of("readelf", "-d", shim.toString()), null);
        assertTrue(dynamic.output().contains("Library soname: [libcublas.so.12]"), dynamic.output());

        Result syms = run(List.of("readelf", "--dyn-syms", "-W", shim.toString()), null);
        Path jcublas = dir.resolve("libJCublas2.so");
        try (InputStream in = CublasShimTest.class.getResourceAsStream("/lib/libJCublas2-12.6.0-linux-x86_64.so")) {
            Assumptions.assumeTrue(in != null, "JCublas2 linux-x86_64 natives not on the class path");
            Files.copy(in, jcublas);
        }
        Result wanted = run(List.of("readelf", "--dyn-syms", "-W", jcublas.toString()), null);
        for (String name : exportedNames()) {
            assertTrue(syms.output().contains(" " + name + "@@libcublas.so.12"), name + " not exported with "
                    + "version libcublas.so.12:\n" + syms.output());
            assertTrue(wanted.output().contains(" " + name + "@libcublas.so.12"), "JCublas2 does not import " + name
                    + "@libcublas.so.12, so the shim's version node or name is wrong");
        }
    }

    @Test
    void jcublas2CallsReachAFakeLibcublas13ThroughTheShim(@TempDir Path dir) throws Exception {
        assumeTool("gcc");
        shim();
        for (String f : new String[] {"fake_cublas13.c", "fake_cublas13.map"}) {
            try (InputStream in = CublasShimTest.class.getResourceAsStream(f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        Path fake = dir.resolve("libcublas.so.13");
        Result cc = run(List.of("gcc", "-shared", "-fPIC", "-O1", "-Wall", "-Wl,-soname,libcublas.so.13",
                "-Wl,--version-script=fake_cublas13.map", "-o", fake.toString(), "fake_cublas13.c"), dir);
        assertEquals(0, cc.code(), "gcc failed:\n" + cc.output());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Result child = run(List.of(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED", "-cp",
                childClassPath(),
                ShimForwardingCheck.class.getName(), fake.toString()), dir);
        String out = child.output();
        System.out.println(out);
        assertEquals(0, child.code(), "forwarding check failed:\n" + out);
        assertTrue(out.contains("description: cuBLAS 13.1.2 via libcublas.so.12 shim"), out);
        for (String call : new String[] {"cublasCreate_v2", "cublasSetStream_v2", "cublasSetPointerMode_v2",
                "cublasGetVersion_v2", "cublasSgemm_v2", "cublasDestroy_v2"}) {
            assertTrue(out.contains("fake-cublas13: " + call), call + " did not reach the fake library:\n" + out);
        }
        assertTrue(out.contains("fake-cublas13: pointer mode 0"), "pointer mode host expected:\n" + out);
        assertEquals(4, out.lines().filter(l -> l.startsWith("gemm ") && l.endsWith(" ok")).count(), out);
        assertTrue(out.contains("ALL OK"), out);
    }
}
