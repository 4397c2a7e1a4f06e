package io.myelin.backend.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every kernel the launchers use exists in kernels/*.cu and in the compiled fatbins, and no kernel is unused. */
class KernelCatalogTest {
    private static final Pattern KERNEL = Pattern.compile("extern\\s+\"C\"\\s+__global__\\s+void\\s+(\\w+)\\s*\\(");

    private static Path kernelSources() {
        return Path.of(System.getProperty("basedir", "."), "kernels");
    }

    /** module -> kernel names defined in kernels/<module>.cu. */
    private static Map<String, List<String>> definedKernels() throws IOException {
        Path dir = kernelSources();
        Assumptions.assumeTrue(Files.isDirectory(dir), "kernel sources not found at " + dir.toAbsolutePath());
        Map<String, List<String>> defined = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path cu : files.filter(p -> p.toString().endsWith(".cu")).toList()) {
                String module = cu.getFileName().toString().replaceFirst("\\.cu$", "");
                Matcher m = KERNEL.matcher(Files.readString(cu));
                List<String> names = new ArrayList<>();
                while (m.find()) {
                    names.add(m.group(1));
                }
                defined.put(module, names);
            }
        }
        return defined;
    }

    @Test
    void catalogNamesAreUnique() {
        List<Kernel> all = KernelCatalog.all();
        assertEquals(all.size(), new HashSet<>(all).size(), "duplicate kernel in " + all);
        assertTrue(all.size() >= 60, "catalog lists " + all.size() + " kernels");
    }

    @Test
    void everyCatalogKernelIsDefinedInItsModuleSource() throws IOException {
        Map<String, List<String>> defined = definedKernels();
        assertEquals(Set.copyOf(KernelCatalog.MODULES), defined.keySet(), "one kernels/<module>.cu per module");
        List<String> missing = new ArrayList<>();
        for (Kernel k : KernelCatalog.all()) {
            if (!defined.get(k.module()).contains(k.name())) {
                missing.add(k.toString());
            }
        }
        assertEquals(List.of(), missing, "kernels the Java launchers use but kernels/*.cu does not define");
    }

    @Test
    void everyDefinedKernelIsUsedExactlyOnce() throws IOException {
        Set<String> used = new HashSet<>();
        KernelCatalog.all().forEach(k -> used.add(k.toString()));
        List<String> unused = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, List<String>> e : definedKernels().entrySet()) {
            for (String name : e.getValue()) {
                String id = e.getKey() + "/" + name;
                if (!seen.add(name)) {
                    fail("kernel " + name + " is defined twice");
                }
                if (!used.contains(id)) {
                    unused.add(id);
                }
            }
        }
        assertEquals(List.of(), unused, "kernels no launcher uses (dead code)");
    }

    @Test
    void everyCatalogKernelIsInTheCompiledFatbin() throws IOException {
        int checked = 0;
        for (String module : KernelCatalog.MODULES) {
            byte[] fatbin;
            try (InputStream in = KernelCatalog.class.getResourceAsStream(KernelCatalog.resource(module))) {
                Assumptions.assumeTrue(in != null, "kernels were not compiled (no nvcc): "
                        + KernelCatalog.resource(module) + " missing");
                fatbin = in.readAllBytes();
            }
            String text = new String(fatbin, StandardCharsets.ISO_8859_1);
            // a build without nvcc, in the cuda-emulated execution: the CUDA emulator's module image, one name a line
            boolean emulatorImage = text.startsWith("// Myelin CUDA emulator image");
            for (Kernel k : KernelCatalog.all()) {
                if (k.module().equals(module)) {
                    assertTrue(emulatorImage ? text.contains("\n" + k.name() + "\n") : text.contains(k.name() + "\0"),
                            k + " not found in " + KernelCatalog.resource(module));
                    checked++;
                }
            }
        }
        assertEquals(KernelCatalog.all().size(), checked);
    }
}
