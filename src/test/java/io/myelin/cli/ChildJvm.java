package io.myelin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code myelin} in a separate JVM, optionally with a fault armed ({@code -Dmyelin.faultInjection}). */
final class ChildJvm {
    /** The exit status of a JVM halted by an injected fault (FaultInjection.HALT_STATUS). */
    static final int HALTED = 97;

    private ChildJvm() {
    }

    record Result(int code, String output) {
    }

    static Result run(Path log, String fault, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1"));
        if (fault != null) {
            cmd.add("-Dmyelin.faultInjection=" + fault);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MyelinCli.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the child JVM ends within 3 minutes");
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), Files.readString(log));
    }
}
