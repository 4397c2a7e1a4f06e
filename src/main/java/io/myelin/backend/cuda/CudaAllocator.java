package io.myelin.backend.cuda;

import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A caching device allocator keyed by size class: a released block goes back to a free list and the
 * next request of the same size class reuses it without touching the driver, so a training step that
 * allocates the same shapes every time allocates nothing after the first step.
 *
 * <p>Reuse is safe without events because every kernel, copy and cuBLAS call runs on the backend's one
 * stream: work queued after a reuse runs after the work queued before the release. Blocks go back to the
 * driver only when an allocation runs out of memory (after a sync) and on {@link #close()}. (A
 * stream-ordered driver pool would do the same, but JCuda 12.6 cannot raise a pool's release threshold,
 * so such a pool would unmap its memory at every synchronization.)
 *
 * <pre>{@code
 * CudaStorage s = allocator.allocate(1024); ... allocator.release(s);
 * }</pre>
 */
final class CudaAllocator implements AutoCloseable {
    private static final long SMALL = 1L << 20;
    private static final long SMALL_GRAIN = 512;
    private static final long LARGE_GRAIN = 1L << 20;

    private final Runnable synchronize;
    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private final Set<CudaStorage> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private long liveBytes;
    private long cachedBytes;
    private boolean closed;

    /** @param synchronize waits for the stream; called before device memory is handed back to the driver */
    CudaAllocator(Runnable synchronize) {
        this.synchronize = synchronize;
    }

    /** The size class of a request: multiples of 512 B up to 1 MiB, of 1 MiB above. */
    static long sizeClass(long bytes) {
        long grain = bytes <= SMALL ? SMALL_GRAIN : LARGE_GRAIN;
        return (bytes + grain - 1) / grain * grain;
    }

    synchronized CudaStorage allocate(long n) {
        if (closed) {
            throw new IllegalStateException("cuda backend is closed");
        }
        if (n <= 0) {
            throw new IllegalArgumentException("allocate: element count must be positive, got " + n);
        }
        long bytes = n * Float.BYTES;
        long block = sizeClass(bytes);
        ArrayDeque<CUdeviceptr> list = free.get(block);
        CUdeviceptr ptr = list == null ? null : list.poll();
        if (ptr != null) {
            cachedBytes -= block;
        } else {
            ptr = deviceAlloc(block);
        }
        CudaStorage s = new CudaStorage(this, ptr, n, block);
        live.add(s);
        liveBytes += bytes;
        return s;
    }

    private CUdeviceptr deviceAlloc(long block) {
        CUdeviceptr ptr = new CUdeviceptr();
        try {
            JCudaDriver.cuMemAlloc(ptr, block);
            return ptr;
        } catch (CudaException e) {
            if (cachedBytes == 0 || !e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
                throw outOfMemory(block, e);
            }
        }
        trim();
        try {
            JCudaDriver.cuMemAlloc(ptr, block);
            return ptr;
        } catch (CudaException e) {
            throw outOfMemory(block, e);
        }
    }

    private CudaException outOfMemory(long block, CudaException e) {
        return new CudaException("cuMemAlloc of " + block + " bytes failed (" + e.getMessage() + "); live "
                + liveBytes + " bytes", e);
    }

    /** Returns a storage's block to the cache. Releasing twice is an error; after close it is a no-op. */
    synchronized void release(CudaStorage s) {
        if (closed) {
            return;
        }
        if (s.owner() != this || s.isReleased() || !live.remove(s)) {
            throw new IllegalStateException("release of " + s + " that this cuda backend does not hold"
                    + (s.isReleased() ? " (released twice)" : ""));
        }
        s.markReleased();
        liveBytes -= s.bytes();
        cachedBytes += s.blockBytes();
        free.computeIfAbsent(s.blockBytes(), k -> new ArrayDeque<>()).push(s.pointer());
    }

    /** Bytes of live storages, as requested (n * 4), not rounded to size classes. */
    synchronized long liveBytes() {
        return liveBytes;
    }

    /** Bytes held in the cache for reuse. */
    synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** Waits for the stream and gives every cached block back to the driver. */
    synchronized void trim() {
        if (cachedBytes == 0) {
            return;
        }
        synchronize.run();
        freeCached();
    }

    private void freeCached() {
        for (ArrayDeque<CUdeviceptr> list : free.values()) {
            for (CUdeviceptr p : list) {
                JCudaDriver.cuMemFree(p);
            }
        }
        free.clear();
        cachedBytes = 0;
    }

    /** Frees every block, live or cached; live storages become invalid and liveBytes drops to 0. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        synchronize.run();
        freeCached();
        for (CudaStorage s : live) {
            s.markReleased();
            JCudaDriver.cuMemFree(s.pointer());
        }
        live.clear();
        liveBytes = 0;
        closed = true;
    }
}
