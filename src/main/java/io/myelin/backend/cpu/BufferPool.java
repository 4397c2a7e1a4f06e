package io.myelin.backend.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Caching allocator for the CPU backend, keyed by exact length: a training step allocates the same sizes
 * every step, so after the first step every request is served from the cache and the steady state
 * allocates nothing. Cached (free) arrays are bounded by {@code maxCachedBytes}; beyond that released
 * arrays are left to the garbage collector.
 *
 * <pre>{@code
 * BufferPool pool = new BufferPool(1L << 30); CpuStorage s = pool.allocate(128); pool.release(s);
 * }</pre>
 */
final class BufferPool {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final long maxCachedBytes;
    private long liveBytes;
    private long cachedBytes;

    BufferPool(long maxCachedBytes) {
        this.maxCachedBytes = maxCachedBytes;
    }

    /** A buffer of exactly n floats with undefined contents. */
    synchronized CpuStorage allocate(long n) {
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cpu: cannot allocate " + n + " floats (limit " + (Integer.MAX_VALUE - 8) + ")");
        }
        int len = (int) n;
        ArrayDeque<float[]> q = free.get(len);
        float[] a = q == null ? null : q.poll();
        if (a == null) {
            a = new float[len];
        } else {
            cachedBytes -= bytes(len);
        }
        liveBytes += bytes(len);
        return new CpuStorage(a);
    }

    /** Takes a buffer back; releasing twice is an error. */
    synchronized void release(CpuStorage s) {
        if (s.isReleased()) {
            throw new IllegalStateException("cpu: buffer released twice");
        }
        float[] a = s.detach();
        liveBytes -= bytes(a.length);
        if (cachedBytes + bytes(a.length) <= maxCachedBytes) {
            free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
            cachedBytes += bytes(a.length);
        }
    }

    synchronized long liveBytes() {
        return liveBytes;
    }

    synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** Drops every cached array (live buffers stay valid). */
    synchronized void clear() {
        free.clear();
        cachedBytes = 0;
    }

    private static long bytes(int floats) {
        return 4L * floats;
    }
}
