package io.myelin.backend;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CUDA backend rejects every bad call of {@link ChecksTest} with the CPU's exact message (shared {@link Checks}). */
class ChecksCudaTest {
    @Test
    void cudaGivesTheSameMessagesAsCpu() {
        Optional<String> why = BackendContractTest.cudaUnavailableReason();
        if (why.isPresent()) {
            System.out.println("CUDA backend not available (" + why.get() + "): message parity checked on CPU only");
        }
        Assumptions.assumeTrue(why.isEmpty(), () -> "CUDA backend not available (" + why.orElse("") + ")");
        try (Backend cuda = Backends.create("cuda"); Backend cpu = Backends.create("cpu")) {
            List<ChecksTest.BadCall> bad = ChecksTest.badCalls();
            for (ChecksTest.BadCall call : bad) {
                assertEquals(ChecksTest.messageOf(cpu, call), ChecksTest.messageOf(cuda, call), "cuda vs cpu");
            }
            System.out.println("cuda and cpu agree on " + bad.size() + " error messages");
        }
    }
}
