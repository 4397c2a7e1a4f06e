package io.myelin.backend.cpu;

import io.myelin.backend.Storage;

/**
 * A CPU buffer: a {@code float[]} of exactly {@link #length()} elements, handed out by a
 * {@link BufferPool}. After release the array goes back to the pool and this wrapper refuses access, so
 * a use-after-release fails loudly instead of reading another tensor's data.
 */
public final class CpuStorage implements Storage {
    private float[] data;

    CpuStorage(float[] data) {
        this.data = data;
    }

    @Override
    public long length() {
        float[] d = data;
        return d == null ? 0 : d.length;
    }

    /** The backing array. Throws when the buffer was released. */
    public float[] data() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("CPU buffer used after release");
        }
        return d;
    }

    boolean isReleased() {
        return data == null;
    }

    /** Detaches and returns the array (the pool takes it back). */
    float[] detach() {
        float[] d = data();
        data = null;
        return d;
    }
}
