package io.myelin.testing;

import io.myelin.backend.Backend;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA emulator's process-wide counters (docs/cuda.md), read through its private device attributes
 * (a real driver refuses these ids). Take a {@link #read()} before and after the work and subtract.
 *
 * <pre>{@code
 * EmulatorCounters.Snapshot before = EmulatorCounters.read(); ...; long syncs = EmulatorCounters.read().minus(before).syncs();
 * }</pre>
 */
public final class EmulatorCounters {
    static final int IS_EMULATOR = 0x4D590000;
    static final int LAUNCHES = 0x4D590001;
    static final int SYNCS = 0x4D590002;
    static final int D2H = 0x4D590003;
    static final int H2D = 0x4D590004;
    static final int GEMMS = 0x4D590005;
    static final int LIVE_ALLOCATIONS = 0x4D590006;

    private EmulatorCounters() {
    }

    /** Counter values at one moment (or differences of two). */
    public record Snapshot(long launches, long syncs, long d2h, long h2d, long gemms, long liveAllocations) {
        public Snapshot minus(Snapshot earlier) {
            return new Snapshot(launches - earlier.launches, syncs - earlier.syncs, d2h - earlier.d2h, h2d - earlier.h2d,
                    gemms - earlier.gemms, liveAllocations - earlier.liveAllocations);
        }

        @Override
        public String toString() {
            return syncs + " syncs, " + d2h + " D2H, " + h2d + " H2D, " + launches + " launches, " + gemms + " GEMMs";
        }
    }

    /** Whether {@code be} is a CUDA backend running on the emulator (so the counters exist). */
    public static boolean available(Backend be) {
        return be.name().equals("cuda") && be.capabilities().emulated() && attribute(IS_EMULATOR) == 1;
    }

    /** The counters now (the backend must have been started, so the driver is initialised). */
    public static Snapshot read() {
        return new Snapshot(attribute(LAUNCHES), attribute(SYNCS), attribute(D2H), attribute(H2D), attribute(GEMMS),
                attribute(LIVE_ALLOCATIONS));
    }

    private static long attribute(int id) {
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, 0);
        int[] v = new int[1];
        try {
            JCudaDriver.cuDeviceGetAttribute(v, id, device);
        } catch (RuntimeException notEmulated) {
            return -1;
        }
        return v[0];
    }
}
