package io.myelin.backend.cuda;

import io.myelin.backend.Availability;
import io.myelin.backend.Backend;
import io.myelin.backend.BackendProvider;
import io.myelin.backend.BackendUnavailableException;
import io.myelin.backend.Backends;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaBackendProviderTest {
    /** The pieces availability() may name as missing (see CudaProbe). */
    private static final List<String> KNOWN_REASONS = List.of("JCuda native libraries failed to load",
            "no NVIDIA driver", "no CUDA device", "NVIDIA driver", "CUDA kernels are not in the jar", "cuBLAS");

    @Test
    void registeredWithServiceLoaderAsCudaWithPriority100() {
        BackendProvider cuda = Backends.providers().stream().filter(p -> p.name().equals("cuda")).findFirst()
                .orElseThrow(() -> new AssertionError("no 'cuda' provider in " + Backends.names()));
        assertEquals(CudaBackendProvider.class, cuda.getClass());
        assertEquals(100, cuda.priority());
    }

    @Test
    void availabilityNeverThrowsAndIsStable() {
        Availability first = new CudaBackendProvider().availability();
        Availability second = new CudaBackendProvider().availability();
        assertSame(first, second, "the probe runs once per process");
        System.out.println("[cuda] availability: " + first);
        assertTrue(first.reason() != null && !first.reason().isBlank(), "a reason or a device description");
    }

    @Test
    void unavailableCudaNamesTheMissingPieceAndCreateFailsWithIt() {
        Availability a = new CudaBackendProvider().availability();
        if (a.available()) {
            try (Backend b = Backends.create("cuda")) {
                assertEquals("cuda", b.name());
                assertTrue(b.description().startsWith("CUDA "), b.description());
                assertEquals(0, b.liveBytes());
            }
            return;
        }
        assertTrue(KNOWN_REASONS.stream().anyMatch(a.reason()::contains),
                "reason should name the missing piece: " + a.reason());
        assertFalse(a.reason().contains("\n"), "one line: " + a.reason());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.create("cuda"));
        assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        BackendUnavailableException direct = assertThrows(BackendUnavailableException.class,
                () -> new CudaBackendProvider().create());
        assertTrue(direct.getMessage().contains(a.reason()), direct.getMessage());
    }

    /**
     * On the CUDA emulator (the cuda-emulated execution sets MYELIN_CUDA_EMU=1): cuda starts by name and says
     * "emulated" everywhere, and auto never picks it, naming why. Elsewhere: a real device is not emulated.
     */
    @Test
    void anEmulatedDeviceIsChosenOnlyByNameAndSaysSo() {
        Availability a = new CudaBackendProvider().availability();
        boolean emulatorRun = "1".equals(System.getenv("MYELIN_CUDA_EMU"));
        if (!a.available()) {
            assertFalse(emulatorRun, "the cuda-emulated execution must find the emulator: " + a.reason());
            return;
        }
        try (Backend cuda = Backends.create("cuda")) {
            assertEquals(emulatorRun, cuda.capabilities().emulated(), cuda.description());
            assertTrue(cuda.capabilities().readWaitsForDevice(), "reads wait for the device");
            if (!emulatorRun) {
                assertTrue(a.automatic(), "a real device is auto's first choice");
                return;
            }
            assertTrue(cuda.description().contains("emulated"), cuda.description());
            assertTrue(a.reason().startsWith("emulated: "), a.reason());
            assertEquals("cuda (emulated)", cuda.capabilities().label(cuda.name()));
        }
        assertFalse(a.automatic(), "auto must not pick the emulator");
        assertEquals("emulated driver, a test harness; choose it by name: --backend cuda", a.autoSkipReason());
        try (Backend auto = Backends.create("auto")) {
            assertEquals("cpu", auto.name(), "auto skips the emulated cuda for the cpu");
        }
    }
}
