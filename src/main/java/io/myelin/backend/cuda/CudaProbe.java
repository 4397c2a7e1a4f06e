package io.myelin.backend.cuda;

import io.myelin.backend.Availability;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Whether the CUDA backend can start here, checked piece by piece so the reason names what is missing:
 * JCuda's native library, the NVIDIA driver ({@code libcuda.so.1}), a device, the kernels in the jar,
 * cuBLAS. Computed once per process (JCuda's classes cannot be retried after their natives fail to load)
 * and never throws.
 *
 * <pre>{@code
 * Availability a = CudaProbe.availability(); if (!a.available()) System.out.println(a.reason());
 * }</pre>
 */
final class CudaProbe {
    private static volatile Result result;

    /** Private device attribute of the CUDA emulator (docs/cuda.md): 1 there, refused by a real driver. */
    static final int EMULATOR_ATTRIBUTE = 0x4D590000;

    /** Why {@code auto} never picks an emulated device. */
    static final String EMULATED_AUTO_SKIP = "emulated driver, a test harness; choose it by name: --backend cuda";

    /**
     * The probe's answer plus the cuBLAS plan that {@link CudaBackend} then follows.
     *
     * @param emulated whether the driver is the CUDA emulator (target/cuda-emu), not an NVIDIA driver
     */
    record Result(Availability availability, CublasLoader.Plan cublas, boolean emulated) {
    }

    private CudaProbe() {
    }

    static Availability availability() {
        return result().availability();
    }

    static synchronized Result result() {
        if (result == null) {
            Result r;
            try {
                r = probe();
            } catch (Throwable t) {  // a probe must never take the caller down; say what broke instead
                r = new Result(Availability.no("CUDA probe failed: " + describe(t)), null, false);
            }
            result = r;
        }
        return result;
    }

    private static Result probe() {
        String natives = loadDriverBindings();
        if (natives != null) {
            return no(natives);
        }
        try {
            JCudaDriver.cuInit(0);
        } catch (Throwable t) {
            String m = describe(t);
            if (m.contains("CUDA_ERROR_NO_DEVICE")) {
                return no("no CUDA device: the NVIDIA driver is installed but reports no GPU (cuInit: " + m + ")");
            }
            if (m.contains("CUDA_ERROR_INSUFFICIENT_DRIVER") || m.contains("CUDA_ERROR_COMPAT_NOT_SUPPORTED")) {
                return no("the NVIDIA driver is too old for CUDA 12 (cuInit: " + m + ")");
            }
            return no("the NVIDIA driver failed to initialise (cuInit: " + m + ")");
        }
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        if (count[0] == 0) {
            return no("no CUDA device: the NVIDIA driver reports 0 GPUs");
        }
        for (String module : KernelCatalog.MODULES) {
            if (CudaProbe.class.getResource(KernelCatalog.resource(module)) == null) {
                return no("CUDA kernels are not in the jar (" + KernelCatalog.resource(module)
                        + " missing: it was built without nvcc)");
            }
        }
        int[] driver = new int[1];
        JCudaDriver.cuDriverGetVersion(driver);
        String tooOld = DriverRequirement.check(kernelsNvcc(), driver[0]);
        if (tooOld != null) {
            return no(tooOld);
        }
        CublasLoader.Plan plan = CublasLoader.plan();
        if (!plan.usable()) {
            return no(plan.detail());
        }
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, 0);
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, device);
        String deviceName = new String(name, java.nio.charset.StandardCharsets.UTF_8).trim().replace("\0", "");
        boolean emulated = isEmulator(device, deviceName);
        String detail = count[0] + " device(s), device 0 " + deviceName + ", driver API "
                + driver[0] / 1000 + "." + driver[0] % 1000 / 10 + ", " + plan.detail();
        if (emulated) {
            return new Result(Availability.byNameOnly("emulated: " + detail, EMULATED_AUTO_SKIP), plan, true);
        }
        return new Result(Availability.yes(detail), plan, false);
    }

    /**
     * Whether the driver is the CUDA emulator: it answers 1 for {@link #EMULATOR_ATTRIBUTE} (a real driver
     * refuses the id with CUDA_ERROR_INVALID_VALUE), or names its device "... emulated ...".
     */
    static boolean isEmulator(CUdevice device, String deviceName) {
        if (deviceName.toLowerCase(java.util.Locale.ROOT).contains("emulated")) {
            return true;
        }
        int[] v = new int[1];
        try {
            return JCudaDriver.cuDeviceGetAttribute(v, EMULATOR_ATTRIBUTE, device) == 0 && v[0] == 1;
        } catch (RuntimeException refused) {  // a real driver: CUDA_ERROR_INVALID_VALUE
            return false;
        }
    }

    /** The nvcc release recorded beside the fatbins, or null where the jar does not say. */
    private static String kernelsNvcc() {
        try (var in = CudaProbe.class.getResourceAsStream(DriverRequirement.RESOURCE)) {
            return in == null ? null : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
        } catch (java.io.IOException unreadable) {
            return null;
        }
    }

    /** Loads JCuda's driver bindings; null on success, else the reason. */
    private static String loadDriverBindings() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            return null;
        } catch (Throwable t) {
            String m = describe(t);
            int at = m.indexOf("libcuda.so");
            if (at >= 0) {
                if (m.contains("cannot open shared object file") || m.contains("No such file")) {
                    return "no NVIDIA driver (libcuda.so.1 not found)";
                }
                int end = m.indexOf('\n', at);
                return "no usable NVIDIA driver (" + m.substring(at, end < 0 ? m.length() : end).trim() + ")";
            }
            return "JCuda native libraries failed to load: " + firstLine(m);
        }
    }

    private static Result no(String reason) {
        return new Result(Availability.no(reason), null, false);
    }

    /** The messages of t and its causes, joined. */
    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
