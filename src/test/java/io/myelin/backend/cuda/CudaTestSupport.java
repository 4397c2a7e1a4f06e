package io.myelin.backend.cuda;

import io.myelin.backend.Availability;
import io.myelin.backend.Backends;
import io.myelin.testing.TestBackend;
import org.junit.jupiter.api.Assumptions;

/** Starts the CUDA backend for a test, or skips the test (printing why) where no GPU is usable. */
final class CudaTestSupport {
    private CudaTestSupport() {
    }

    /** A fresh CUDA backend; aborts the calling test with the availability reason when there is none. */
    static CudaBackend startOrSkip() {
        Availability a = new CudaBackendProvider().availability();
        if (!a.available()) {
            System.out.println("[cuda tests] skipped: " + why(a));
        }
        Assumptions.assumeTrue(a.available(), () -> why(a));
        return (CudaBackend) Backends.create("cuda");
    }

    /** The skip reason: no usable GPU, or (in the cuda-emulated execution) the emulator not built. */
    static String why(Availability a) {
        String emulated = TestBackend.skipReason("cuda", a);
        return "1".equals(System.getenv("MYELIN_CUDA_EMU")) ? emulated : "no usable GPU here: " + a.reason();
    }

    /** A fresh CUDA backend, or null (after printing why) where there is none; pair with {@link #assumeStarted}. */
    static CudaBackend startIfAvailable() {
        Availability a = new CudaBackendProvider().availability();
        if (!a.available()) {
            System.out.println("[cuda tests] skipped: " + why(a));
            return null;
        }
        return (CudaBackend) Backends.create("cuda");
    }

    /** Skips the calling test, with the availability reason, when {@code cuda} is null. */
    static void assumeStarted(CudaBackend cuda) {
        Assumptions.assumeTrue(cuda != null, () -> why(new CudaBackendProvider().availability()));
    }
}
