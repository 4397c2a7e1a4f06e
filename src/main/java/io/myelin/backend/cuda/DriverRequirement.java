package io.myelin.backend.cuda;

/**
 * Whether the NVIDIA driver can load the kernels in the jar: a driver runs SASS from an nvcc of its own
 * CUDA major version or older (minor-version compatibility), so kernels from nvcc 13.x need a CUDA 13 driver
 * (R580+) and kernels from nvcc 12.x any CUDA 12 driver (R525+). {@code native/build-kernels.sh} records the
 * nvcc release in the jar ({@value #RESOURCE}); the probe compares it with {@code cuDriverGetVersion}.
 *
 * <pre>{@code
 * String why = DriverRequirement.check("13.0", 12040);   // "the kernels in this jar were compiled by nvcc 13.0 ..."
 * }</pre>
 */
final class DriverRequirement {
    /** Resource (next to the fatbins) holding the nvcc release that compiled them, e.g. {@code 13.0}. */
    static final String RESOURCE = "kernels-nvcc.txt";

    private DriverRequirement() {
    }

    /**
     * Null when a driver reporting {@code driverVersion} (1000*major + 10*minor, e.g. 12040) runs kernels from
     * nvcc {@code nvccRelease} ("13.0"; null or unparsable: not recorded, nothing to check), else the reason.
     */
    static String check(String nvccRelease, int driverVersion) {
        if (nvccRelease == null || !nvccRelease.strip().matches("\\d+\\.\\d+")) {
            return null;
        }
        int major = Integer.parseInt(nvccRelease.strip().split("\\.")[0]);
        int driverMajor = driverVersion / 1000;
        if (driverMajor >= major) {
            return null;
        }
        String driver = driverMajor + "." + driverVersion % 1000 / 10;
        return "the CUDA kernels in this jar were compiled by nvcc " + nvccRelease.strip() + " and need an NVIDIA driver"
                + " for CUDA " + major + (major >= 13 ? " (R580 or newer)" : major == 12 ? " (R525 or newer)" : "")
                + ", but this driver supports CUDA " + driver + ": update the driver, use the Docker image, or rebuild"
                + " the jar with the nvcc of CUDA " + driverMajor + " (docs/cuda.md, \"What a GPU machine needs\")";
    }
}
