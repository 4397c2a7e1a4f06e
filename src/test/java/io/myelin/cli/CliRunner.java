package io.myelin.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@link MyelinCli} in-process with stdout and stderr captured. */
final class CliRunner {
    private CliRunner() {
    }

    record Result(int code, String out, String err) {
        /** The last line of stderr (where a user error's {@code error: ...} line goes). */
        String lastErrLine() {
            String[] lines = err.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    static Result run(String... args) {
        return runWithInput("", args);
    }

    /** Runs with {@code stdin} as standard input (for {@code --data -}). */
    static Result runWithInput(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        java.io.InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int code = MyelinCli.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }
}
