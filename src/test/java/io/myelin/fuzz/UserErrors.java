package io.myelin.fuzz;

import io.myelin.config.MemoryBudget;

import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The property every reader's fuzz test checks: on any input, the reader returns a result or throws one of
 * the project's user-error types, with a one-line message that names no Java class, and it allocates
 * within {@link #CAP}: every {@link MemoryBudget#require} estimate runs under that cap, so a size beyond it
 * must be refused before it is allocated (the caller also checks the size of what came back). Anything else
 * (a {@code NullPointerException}, a {@code NegativeArraySizeException}, an {@code OutOfMemoryError}, a raw
 * {@code UncheckedIOException}) propagates, and the fuzzer records the input as a finding.
 */
public final class UserErrors {
    /** The bound readers allocate within under fuzzing: 64 MB. */
    public static final long CAP = 64L << 20;
    private static final Pattern JAVA_NAME = Pattern.compile("\\b(java|javax|sun|jdk|com\\.fasterxml)\\.[a-z]");

    private UserErrors() {
    }

    /**
     * Runs {@code body} under {@link #CAP}; returns its result, or null when it threw one of {@code allowed}
     * (matched by exact class, so {@code IllegalArgumentException} does not admit {@code NumberFormatException})
     * with a proper message.
     */
    @SafeVarargs
    public static <T> T outcome(Supplier<T> body, Class<? extends RuntimeException>... allowed) {
        try {
            return MemoryBudget.capped(CAP, body);
        } catch (RuntimeException e) {
            if (!List.of(allowed).contains(e.getClass())) {
                throw e;
            }
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.contains("\n") || JAVA_NAME.matcher(m).find()) {
                throw new AssertionError("a user error needs one line naming no Java class, got: " + m, e);
            }
            if (m.length() > 2_000) {
                throw new AssertionError("a user error message of " + m.length() + " characters echoes the input", e);
            }
            return null;
        }
    }

    /** Fails when {@code bytes} (what a reader returned) exceed {@link #CAP}. */
    public static void withinCap(long bytes, String what) {
        if (bytes > CAP) {
            throw new AssertionError(what + " holds " + bytes + " bytes, over the " + CAP + "-byte cap");
        }
    }
}
