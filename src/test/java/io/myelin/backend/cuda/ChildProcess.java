package io.myelin.backend.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a native tool or a child JVM for a test: exit code and merged output, with a time limit. */
final class ChildProcess {
    /** Exit code and merged stdout + stderr. */
    record Result(int code, String output) {
    }

    private ChildProcess() {
    }

    /**
     * Runs {@code command} in {@code dir} (null: this directory) without the environment variables {@code unset};
     * null when the program does not exist. Fails the test after 120 s.
     */
    static Result run(List<String> command, Path dir, String... unset) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        for (String name : unset) {
            pb.environment().remove(name);
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), out);
    }
}
