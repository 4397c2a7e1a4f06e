package io.myelin.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The split loop covers every index exactly once and reports a chunk's failure to the caller. */
class ParallelTest {
    @Test
    void everyIndexRunsExactlyOnce() {
        for (int count : new int[] {1, 2, 3, 7, 64, 1000, 100_003}) {
            for (long work : new long[] {1, Parallel.GRAIN, 3L * Parallel.GRAIN + 1, 1L << 30}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(count);
                Parallel.forRanges(count, work, (lo, hi) -> {
                    for (int i = lo; i < hi; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertEquals(1, hits.get(i), "index " + i + " of " + count + " with work " + work);
                }
            }
        }
    }

    @Test
    void aFailingChunkFailsTheCall() {
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                Parallel.forRanges(1000, 1L << 30, (lo, hi) -> {
                    if (lo <= 999 && 999 < hi) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
    }
}
