package io.myelin.backend;

/**
 * What callers may rely on about a backend beyond its ops: what a read costs, and whether the device is
 * real. The training loop asks this instead of testing the backend's name.
 *
 * <pre>{@code
 * boolean checkEveryStep = !backend.capabilities().readWaitsForDevice();
 * }</pre>
 *
 * @param readWaitsForDevice whether {@link Backend#download} (and so {@code Tensor.item()}) waits for queued
 *                           device work, a host-device synchronization: true on a GPU, where the hot loop must
 *                           not read; false on the CPU, where every op has finished when it returns and a
 *                           read is a memory copy
 * @param emulated           whether the device is emulated on the CPU (a test harness, never picked by
 *                           {@code auto}); every output that names the backend then says "emulated"
 */
public record Capabilities(boolean readWaitsForDevice, boolean emulated) {
    /** The backend's name for outputs: {@code cuda}, or {@code cuda (emulated)} on an emulated device. */
    public String label(String name) {
        return emulated ? name + " (emulated)" : name;
    }
}
