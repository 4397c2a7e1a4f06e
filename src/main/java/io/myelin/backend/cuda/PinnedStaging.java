package io.myelin.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A page-locked host buffer that device-to-host copies land in before they reach a Java array. The copy
 * into pinned memory is truly asynchronous, so the wait for the stream happens with no Java array held in
 * JCuda's critical region (where the garbage collector cannot run); the buffer grows on demand up to
 * {@link #MAX_BYTES}, and larger downloads go through it in chunks.
 *
 * <pre>{@code
 * staging.download(devicePointer, c, stream);   // waits for the stream once per chunk
 * }</pre>
 */
final class PinnedStaging implements AutoCloseable {
    /** The largest staging buffer: 16 MiB, one synchronization per 4 M floats downloaded. */
    static final long MAX_BYTES = 16L << 20;

    private Pointer host;
    private FloatBuffer view;
    private long capacity;

    /** {@code dst} = the {@code dst.length} floats at {@code src}, after the work queued on {@code stream}. */
    synchronized void download(CUdeviceptr src, float[] dst, CUstream stream) {
        long total = (long) dst.length * Float.BYTES;
        ensure(Math.min(total, MAX_BYTES));
        for (long off = 0; off < total; off += capacity) {
            long bytes = Math.min(capacity, total - off);
            JCudaDriver.cuMemcpyDtoHAsync(host, src.withByteOffset(off), bytes, stream);
            JCudaDriver.cuStreamSynchronize(stream);
            view.position(0);
            view.get(dst, (int) (off / Float.BYTES), (int) (bytes / Float.BYTES));
        }
    }

    private void ensure(long bytes) {
        if (bytes <= capacity) {
            return;
        }
        long size = Math.max(bytes, Math.min(MAX_BYTES, Math.max(4096, capacity * 2)));
        free();
        Pointer p = new Pointer();
        JCudaDriver.cuMemAllocHost(p, size);
        host = p;
        capacity = size;
        view = p.getByteBuffer(0, size).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private void free() {
        if (host != null) {
            JCudaDriver.cuMemFreeHost(host);
            host = null;
            view = null;
            capacity = 0;
        }
    }

    @Override
    public synchronized void close() {
        free();
    }
}
