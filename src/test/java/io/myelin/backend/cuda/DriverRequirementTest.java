package io.myelin.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which driver runs the kernels of which nvcc, and the reason the probe gives when it cannot. */
class DriverRequirementTest {
    @Test
    void aDriverRunsKernelsFromAnNvccOfItsMajorVersionOrOlder() {
        assertNull(DriverRequirement.check("13.0", 13000));
        assertNull(DriverRequirement.check("13.0", 13010));
        assertNull(DriverRequirement.check("12.6", 12000), "minor-version compatibility within CUDA 12");
        assertNull(DriverRequirement.check("12.6", 13000));
        assertNull(DriverRequirement.check(null, 11000), "not recorded: nothing to check");
        assertNull(DriverRequirement.check("garbage", 11000));
    }

    @Test
    void anOlderDriverIsNamedWithWhatToDo() {
        String why = DriverRequirement.check("13.0", 12040);
        assertEquals("the CUDA kernels in this jar were compiled by nvcc 13.0 and need an NVIDIA driver for CUDA 13"
                + " (R580 or newer), but this driver supports CUDA 12.4: update the driver, use the Docker image, or"
                + " rebuild the jar with the nvcc of CUDA 12 (docs/cuda.md, \"What a GPU machine needs\")", why);
        assertTrue(DriverRequirement.check("12.6", 11080).contains("(R525 or newer), but this driver supports CUDA 11.8"));
    }

    @Test
    void theJarRecordsTheNvccThatCompiledItsKernels() throws Exception {
        try (var fatbin = DriverRequirement.class.getResourceAsStream(KernelCatalog.resource(KernelCatalog.MODULES.get(0)))) {
            byte[] head = fatbin == null ? new byte[0] : fatbin.readNBytes(64);
            if (fatbin == null || new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("// Myelin CUDA")) {
                System.out.println("[cuda tests] built without nvcc: no compiled kernels, no recorded nvcc release");
                return;
            }
        }
        try (var in = DriverRequirement.class.getResourceAsStream(DriverRequirement.RESOURCE)) {
            assertTrue(in != null, DriverRequirement.RESOURCE + " must sit beside the fatbins");
            String release = new String(in.readAllBytes()).strip();
            assertTrue(release.matches("\\d+\\.\\d+"), "an nvcc release: '" + release + "'");
        }
    }
}
