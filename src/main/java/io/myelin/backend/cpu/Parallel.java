package io.myelin.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Splits a loop over {@code [0, count)} into one contiguous range per core on a shared
 * {@link ForkJoinPool}. Loops whose work is below {@link #GRAIN} elements run inline on the caller:
 * forking costs microseconds, more than a small loop, and the inline path allocates nothing.
 *
 * <pre>{@code
 * if (Parallel.inline(n)) body(0, n); else Parallel.forRanges(n, n, (lo, hi) -> body(lo, hi));
 * }</pre>
 */
public final class Parallel {
    /**
     * Work (elements touched) below which a loop runs on the calling thread; {@code -Dmyelin.cpu.grain=N}
     * overrides it (benchmarks use it to measure the split's cost, see docs/benchmarks.md).
     */
    public static final int GRAIN = Integer.getInteger("myelin.cpu.grain", 32_768);

    private static final int CORES = Runtime.getRuntime().availableProcessors();
    // The caller runs one range itself, so the pool needs one thread fewer than there are cores.
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, CORES - 1), pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("myelin-cpu-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    /** A loop body over the half-open range {@code [lo, hi)}. */
    @FunctionalInterface
    public interface Range {
        void run(int lo, int hi);
    }

    private Parallel() {
    }

    /** Number of cores the loops are split across. */
    public static int cores() {
        return CORES;
    }

    /** True when a loop touching {@code work} elements should run on the calling thread. */
    public static boolean inline(long work) {
        return work < GRAIN || CORES == 1;
    }

    /**
     * Runs {@code body} over {@code [0, count)}, split into at most one range per core when
     * {@code work} (total elements touched) is large enough; waits for all ranges.
     */
    public static void forRanges(int count, long work, Range body) {
        int chunks = (int) Math.min(Math.min(CORES, count), Math.max(1, work / GRAIN));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, count);
            return;
        }
        ForkJoinTask<?>[] forked = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int lo = bound(count, chunks, c);
            int hi = bound(count, chunks, c + 1);
            forked[c - 1] = POOL.submit(() -> body.run(lo, hi));
        }
        RuntimeException failure = null;
        try {
            body.run(0, bound(count, chunks, 1));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (ForkJoinTask<?> t : forked) {
            try {
                t.join();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static int bound(int count, int chunks, int c) {
        return (int) ((long) count * c / chunks);
    }
}
