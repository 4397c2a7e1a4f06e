package io.myelin.backend;

/**
 * A backend-owned buffer of float32 values. The CPU backend keeps a {@code float[]}, the CUDA backend a
 * device pointer. Only the owning backend looks inside; everything else passes it around opaquely.
 */
public interface Storage {
    /** Number of float32 elements this buffer holds. */
    long length();
}
