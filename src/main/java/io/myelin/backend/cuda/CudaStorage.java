package io.myelin.backend.cuda;

import io.myelin.backend.Storage;
import jcuda.driver.CUdeviceptr;

/**
 * A device buffer of {@link #length()} floats handed out by a {@link CudaAllocator}. The block behind it
 * may be larger ({@link #blockBytes()}: the allocator's size class).
 */
final class CudaStorage implements Storage {
    private final CudaAllocator owner;
    private final CUdeviceptr pointer;
    private final long length;
    private final long blockBytes;
    private boolean released;

    CudaStorage(CudaAllocator owner, CUdeviceptr pointer, long length, long blockBytes) {
        this.owner = owner;
        this.pointer = pointer;
        this.length = length;
        this.blockBytes = blockBytes;
    }

    @Override
    public long length() {
        return length;
    }

    CudaAllocator owner() {
        return owner;
    }

    /** The device address; only valid while the storage is live. */
    CUdeviceptr pointer() {
        return pointer;
    }

    long bytes() {
        return length * Float.BYTES;
    }

    long blockBytes() {
        return blockBytes;
    }

    boolean isReleased() {
        return released;
    }

    void markReleased() {
        released = true;
    }

    @Override
    public String toString() {
        return "CudaStorage[" + length + " floats" + (released ? ", released" : "") + "]";
    }
}
