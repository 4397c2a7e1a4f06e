package io.myelin.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * Peak resident set size of this process: {@code VmHWM} of {@code /proc/self/status} (Linux), the same
 * figure {@code scripts/bench_torch.py} reads for PyTorch. For the JVM it includes the heap as far as it
 * was touched, code cache, metaspace and native buffers (OpenBLAS).
 */
final class PeakRss {
    private PeakRss() {
    }

    /** Peak RSS in MiB, or empty where {@code /proc/self/status} has no {@code VmHWM}. */
    static OptionalDouble mebibytes() {
        return parse(read(Path.of("/proc/self/status")));
    }

    /** The {@code VmHWM:  123456 kB} line of a status file's text, in MiB. */
    static OptionalDouble parse(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                String[] f = line.substring(6).trim().split("\\s+");
                if (f.length == 2 && f[1].equals("kB")) {
                    return OptionalDouble.of(Long.parseLong(f[0]) / 1024.0);
                }
            }
        }
        return OptionalDouble.empty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }
}
