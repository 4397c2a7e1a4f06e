package io.myelin.config;

import java.util.Locale;

/**
 * Estimates checked against the Java heap before a large allocation (a model's parameters, an IDX file's data,
 * a CSV table), so that a size the heap cannot hold is refused with the numbers instead of an
 * {@code OutOfMemoryError}:
 *
 * <pre>{@code
 * MemoryBudget.require(params * 4L * 4, "the model's 250,000,000 parameters (weights, gradients, 2 optimizer slots)");
 * // MemoryLimitException: the model's 250,000,000 parameters (...) need about 4.0 GB, but the Java heap
 * // has about 0.9 GB free (-Xmx 1.0 GB); raise it, e.g. MYELIN_JAVA_OPTS=-Xmx8g scripts/myelin ...
 * }</pre>
 */
public final class MemoryBudget {
    /** A lower limit for this thread (tests and fuzzing state a bound this way), or null. */
    private static final ThreadLocal<Long> CAP = new ThreadLocal<>();

    private MemoryBudget() {
    }

    /**
     * Bytes the heap can still grow to hold: the maximum heap less what is in use now, or the cap of
     * {@link #capped} when that is lower.
     */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        Long cap = CAP.get();
        return cap == null ? free : Math.min(cap, free);
    }

    /**
     * Runs {@code body} with every {@link #require} on this thread held to at most {@code bytes}, so a test
     * can state the bound a reader allocates within: {@code MemoryBudget.capped(64 << 20, () -> read(file))}.
     */
    public static <T> T capped(long bytes, java.util.function.Supplier<T> body) {
        Long before = CAP.get();
        CAP.set(bytes);
        try {
            return body.get();
        } finally {
            if (before == null) {
                CAP.remove();
            } else {
                CAP.set(before);
            }
        }
    }

    /** The cap {@link #capped} set on this thread, or {@link Long#MAX_VALUE}. */
    public static long cap() {
        Long cap = CAP.get();
        return cap == null ? Long.MAX_VALUE : cap;
    }

    /**
     * Refuses {@code bytes} (an estimate; negative means it overflowed a long) when it exceeds
     * {@link #available()}.
     *
     * @param what what needs the memory, for the message ("the model's 3,000,000 parameters ...")
     */
    public static void require(long bytes, String what) {
        long free = available();
        if (bytes < 0 || bytes > free) {
            throw new MemoryLimitException(message(bytes, what, free, Math.min(cap(), Runtime.getRuntime().maxMemory())));
        }
    }

    /** {@link #require} for an estimate in double arithmetic (products that may exceed a long). */
    public static void require(double bytes, String what) {
        require(bytes >= Long.MAX_VALUE || Double.isNaN(bytes) ? -1L : (long) bytes, what);
    }

    static String message(long bytes, String what, long free, long max) {
        long suggest = Math.max(2, (long) Math.ceil(((bytes < 0 ? Long.MAX_VALUE : bytes) + (max - free)) / 1e9 * 1.25));
        String raise = bytes < 0 || suggest > 1_000_000 ? "this cannot fit in any Java heap; make it smaller"
                : "raise the limit, e.g. MYELIN_JAVA_OPTS=-Xmx" + suggest + "g scripts/myelin ... (or java -Xmx"
                + suggest + "g -jar ...)";
        return what + " need" + (bytes < 0 ? " more than " + gb(Long.MAX_VALUE) : " about " + gb(bytes))
                + ", but the Java heap has about " + gb(free) + " free (maximum heap " + gb(max) + "); " + raise;
    }

    /** A byte count as gigabytes with one decimal ({@code 4.0 GB}), or megabytes below 0.1 GB. */
    static String gb(long bytes) {
        return bytes < 100_000_000L ? String.format(Locale.ROOT, "%.1f MB", bytes / 1e6)
                : String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }

    /** A count with thousands separators, the way messages show sizes: {@code 3,000,000}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
