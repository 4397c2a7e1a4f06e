package io.myelin.backend;

import io.myelin.testing.UseBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CUDA backend rejects every bad call of {@link ChecksTest} with the CPU's exact message (shared {@link Checks}). */
class ChecksCudaTest {
    @Test
    void cudaGivesTheSameMessagesAsCpu(@UseBackend("cuda") Backend cuda, @UseBackend("cpu") Backend cpu) {
        List<ChecksTest.BadCall> bad = ChecksTest.badCalls();
        for (ChecksTest.BadCall call : bad) {
            assertEquals(ChecksTest.messageOf(cpu, call), ChecksTest.messageOf(cuda, call), "cuda vs cpu");
        }
        System.out.println("cuda and cpu agree on " + bad.size() + " error messages");
    }
}
