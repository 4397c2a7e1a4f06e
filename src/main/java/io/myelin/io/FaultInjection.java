package io.myelin.io;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test hooks of {@link CheckpointCommit}, off unless the system property {@code myelin.faultInjection} is
 * set. Its value is {@code POINT[@N]}: the fault strikes during the N-th commit of this JVM (default 1).
 * <ul>
 *   <li>{@code halt-while-writing:NAME}: half of NAME's temporary file is written and synced, then
 *       {@link Runtime#halt} (as a SIGKILL or a power cut would stop the process);</li>
 *   <li>{@code halt-after-rename:K}: halts right after the K-th rename of the commit (0: before the first;
 *       the first is {@code checkpoint.json}'s, then one per file in order);</li>
 *   <li>{@code fail-writing:NAME}: writing NAME's temporary file fails with an IOException ("No space left on
 *       device (injected)"), as a full disk does.</li>
 * </ul>
 * {@code -Dmyelin.faultInjection=halt-after-rename:2@3} halts the third commit after its second rename.
 */
final class FaultInjection {
    /** The property that arms a fault. */
    static final String PROPERTY = "myelin.faultInjection";
    /** The exit status of a halted JVM, so a test can tell the injected halt from another end. */
    static final int HALT_STATUS = 97;

    private static final AtomicInteger COMMITS = new AtomicInteger();

    private final String point;
    private final String argument;

    private FaultInjection(String point, String argument) {
        this.point = point;
        this.argument = argument;
    }

    /** The fault armed for the commit now starting, or null (the usual case: the property is not set). */
    static FaultInjection forNextCommit() {
        String spec = System.getProperty(PROPERTY);
        int commit = COMMITS.incrementAndGet();
        if (spec == null || spec.isEmpty()) {
            return null;
        }
        int at = spec.lastIndexOf('@');
        int wanted = at < 0 ? 1 : Integer.parseInt(spec.substring(at + 1));
        String fault = at < 0 ? spec : spec.substring(0, at);
        int colon = fault.indexOf(':');
        if (colon < 0 || !(fault.startsWith("halt-while-writing:") || fault.startsWith("halt-after-rename:")
                || fault.startsWith("fail-writing:"))) {
            throw new IllegalArgumentException(PROPERTY + " must be halt-while-writing:NAME, halt-after-rename:K or "
                    + "fail-writing:NAME, optionally with @N, got " + spec);
        }
        return commit == wanted ? new FaultInjection(fault.substring(0, colon), fault.substring(colon + 1)) : null;
    }

    /** Whether writing {@code name} is to be cut off halfway by a halt. */
    boolean haltsWhileWriting(String name) {
        return point.equals("halt-while-writing") && argument.equals(name);
    }

    /** Throws the injected IOException when writing {@code name} is to fail. */
    void failWriting(String name) throws IOException {
        if (point.equals("fail-writing") && argument.equals(name)) {
            throw new IOException("No space left on device (injected)");
        }
    }

    /** Halts when {@code renames} renames are done and that is the armed point. */
    void afterRenames(int renames) {
        if (point.equals("halt-after-rename") && Integer.parseInt(argument) == renames) {
            halt();
        }
    }

    static void halt() {
        Runtime.getRuntime().halt(HALT_STATUS);
    }
}
