package io.myelin.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up line when native BLAS cannot load, in a fresh JVM (the BLAS choice is made once per process):
 * netlib is pointed at a library that does not exist, as on a machine without a BLAS package. The line says
 * so in words; netlib's own {@code JNI_OnLoad} text and the "unsupported JNI version" error do not appear.
 */
class StartupLineTest {
    @TempDir
    Path tmp;

    private static String runCli(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MyelinCli.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM finished");
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    @Test
    void aMissingBlasLibraryIsSaidInWords() throws Exception {
        String out = runCli(List.of("-Ddev.ludovic.netlib.blas.nativeLib=libmyelin-absent-blas.so.3"),
                "train", "--epochs", "1", "--backend", "auto", "--out", tmp.resolve("run").toString());
        String line = out.lines().filter(l -> l.contains("backend: cpu")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertTrue(line.contains("gemm=java"), line);
        assertTrue(line.contains("libmyelin-absent-blas.so.3 not found: GEMM runs in pure Java, 3-5x slower; "
                + "install libopenblas0-pthread"), line);
        assertFalse(out.contains("JNI_OnLoad"), out);
        assertFalse(out.contains("unsupported JNI version"), out);
        assertFalse(out.contains("0xFFFFFFFF"), out);
        assertFalse(line.contains("cannot open shared object file"), "the CUDA reason is one clause too: " + line);
    }
}
