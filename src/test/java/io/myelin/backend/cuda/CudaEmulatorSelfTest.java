package io.myelin.backend.cuda;

import io.myelin.backend.cuda.ChildProcess.Result;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA emulator's own checks (native/cuda-emu): every case of {@code cuda-emu-selftest --list} (planted bugs
 * the emulator must report with the right text and error code, and correct kernels it must not report) runs as
 * one test; and the fake libraries export what JCuda and the cuBLAS shim bind to. Skipped, saying so, when the
 * build did not produce the emulator (no g++, or -Dmyelin.emu.skip=true).
 */
class CudaEmulatorSelfTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", "."));
    private static final Path EMU = ROOT.resolve("target").resolve("cuda-emu");

    private static Result run(List<String> command) throws IOException, InterruptedException {
        return ChildProcess.run(command, null, "MYELIN_CUDA_EMU_LOG", "MYELIN_CUDA_EMU_SEGV");
    }

    private static Path emulatorFile(String name) {
        Path file = EMU.resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(file),
                "the CUDA emulator was not built (" + file + " is missing: no g++, or -Dmyelin.emu.skip=true)");
        return file;
    }

    @TestFactory
    Stream<DynamicTest> plantedBugsAreReportedAndCorrectKernelsPass() throws IOException, InterruptedException {
        String selftest = emulatorFile("cuda-emu-selftest").toString();
        Result list = run(List.of(selftest, "--list"));
        assertTrue(list != null && list.code() == 0, "cuda-emu-selftest --list failed: " + list);
        List<String> cases = list.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        assertTrue(cases.size() >= 12, "too few self-test cases: " + cases);
        return cases.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Result r = run(List.of(selftest, name));
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains("PASS " + name), r.output());
        }));
    }

    @Test
    void unknownCaseIsAnError() throws IOException, InterruptedException {
        Result r = run(List.of(emulatorFile("cuda-emu-selftest").toString(), "no-such-case"));
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("error: unknown case 'no-such-case'"), r.output());
    }

    /** Names of the dynamic symbols a library defines (nm -D --defined-only), with their version suffix. */
    private static List<String> definedSymbols(Path lib) throws IOException, InterruptedException {
        Result r = run(List.of("nm", "-D", "--defined-only", lib.toString()));
        Assumptions.assumeTrue(r != null && r.code() == 0, "nm not found: export checks skipped");
        List<String> names = new ArrayList<>();
        for (String line : r.output().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                names.add(f[2]);
            }
        }
        return names;
    }

    @Test
    void fakeDriverExportsEveryFunctionJCudaImports() throws IOException, InterruptedException {
        Path lib = emulatorFile("libcuda.so.1");
        List<String> defined = definedSymbols(lib);
        List<String> wanted = Files.readAllLines(ROOT.resolve("native/cuda-emu/driver_symbols.txt")).stream()
                .map(String::strip).filter(s -> s.startsWith("cu")).toList();
        assertEquals(312, wanted.size(), "driver_symbols.txt should list JCuda 12.6.0's 312 driver imports");
        List<String> missing = wanted.stream().filter(s -> !defined.contains(s)).toList();
        assertTrue(missing.isEmpty(), "libcuda.so.1 lacks " + missing);
    }

    @Test
    void fakeCublasExportsWhatTheShimForwardsUnderItsVersionNode() throws IOException, InterruptedException {
        List<String> defined = definedSymbols(emulatorFile("libcublas.so.13"));
        String map = Files.readString(ROOT.resolve("native/cublas-shim/libcublas.so.12.map"));
        Matcher m = Pattern.compile("^\\s*(cublas\\w+);", Pattern.MULTILINE).matcher(map);
        List<String> forwarded = new ArrayList<>();
        while (m.find()) {
            forwarded.add(m.group(1));
        }
        assertFalse(forwarded.isEmpty(), "no exports in the shim's version script");
        for (String name : forwarded) {
            assertTrue(defined.contains(name + "@@libcublas.so.13"),
                    name + " is not exported as " + name + "@@libcublas.so.13: " + defined);
        }
        assertTrue(defined.contains("cublasSgemmStridedBatched@@libcublas.so.13"), defined.toString());
    }
}
