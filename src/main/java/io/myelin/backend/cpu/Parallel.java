package io.myelin.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a loop over {@code [0, count)} into contiguous chunks run by the caller and a shared
 * {@link ForkJoinPool}. Loops whose work is below {@link #GRAIN} elements run inline on the caller:
 * forking costs microseconds, more than a small loop, and the inline path allocates nothing.
 *
 * <pre>{@code
 * Parallel.forRanges(n, n, (lo, hi) -> Arrays.fill(c, lo, hi, 0f));   // on this thread when Parallel.inline(n)
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
     * Runs {@code body} over {@code [0, count)}, split into chunks of at least {@link #GRAIN} work when
     * {@code work} (total elements touched) is large enough; returns when every chunk has run.
     *
     * <p>Chunks are claimed dynamically: the caller and the pool's workers take the next unclaimed chunk
     * until none is left, and the caller then waits only for chunks a worker is running. Under load — the
     * 2-core machines this runs on also host OpenBLAS's threads — a worker may wake late or not at all; the
     * caller then simply runs the chunks itself instead of parking in a join (profiles showed 10-20 ms joins
     * with a static one-range-per-core split). Chunk boundaries never change results: every body writes
     * disjoint outputs per index.
     */
    public static void forRanges(int count, long work, Range body) {
        int chunks = (int) Math.min(Math.min((long) count, MAX_CHUNKS_PER_CORE * (long) CORES), Math.max(1, work / GRAIN));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, count);
            return;
        }
        Chunks job = new Chunks(count, chunks, body);
        for (int w = 1; w < Math.min(CORES, chunks); w++) {
            POOL.execute(job::drain);
        }
        job.drain();
        job.awaitAll();
    }

    /** At most this many chunks per core: enough to balance a late worker, few enough to stay cheap. */
    private static final int MAX_CHUNKS_PER_CORE = 8;

    /** One split loop: a claim counter, a completion counter and the first failure. */
    private static final class Chunks {
        private final int count;
        private final int chunks;
        private final Range body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile RuntimeException failure;

        Chunks(int count, int chunks, Range body) {
            this.count = count;
            this.chunks = chunks;
            this.body = body;
        }

        /** Runs unclaimed chunks until none is left. */
        void drain() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    body.run(bound(count, chunks, c), bound(count, chunks, c + 1));
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    }
                } finally {
                    finished.incrementAndGet();
                }
            }
        }

        /** Waits for chunks still running on workers (each was claimed, so its thread is running it). */
        void awaitAll() {
            for (int spins = 0; finished.get() < chunks; spins++) {
                if (spins < 1 << 12) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static int bound(int count, int chunks, int c) {
        return (int) ((long) count * c / chunks);
    }
}
