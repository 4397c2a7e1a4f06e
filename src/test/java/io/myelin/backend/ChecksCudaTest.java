package io.myelin.backend;

import io.myelin.testing.UseBackend;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The CUDA backend rejects every bad call of {@link ChecksTest} with the CPU's exact message (one door,
 * {@link Backend}, with the shared {@link Checks}), and each backend refuses the other's tensors.
 */
@SuppressWarnings("try") // the scope is opened for its effect (owning tensors), not referenced
class ChecksCudaTest {
    @Test
    void cudaGivesTheSameMessagesAsCpu(@UseBackend("cuda") Backend cuda, @UseBackend("cpu") Backend cpu) {
        List<ChecksTest.BadCall> bad = ChecksTest.badCalls();
        for (ChecksTest.BadCall call : bad) {
            assertEquals(ChecksTest.messageOf(cpu, call), ChecksTest.messageOf(cuda, call), "cuda vs cpu");
        }
        System.out.println("cuda and cpu agree on " + bad.size() + " error messages");
    }

    /** Each backend's door refuses the other's tensors, naming the op, the argument and both backends. */
    @Test
    void tensorsOfTheOtherBackendAreRefused(@UseBackend("cuda") Backend cuda, @UseBackend("cpu") Backend cpu) {
        try (Scope ignored = Scope.open()) {
            Tensor onCpu = Tensor.zeros(cpu, 3, 4);
            Tensor onCuda = Tensor.zeros(cuda, 3, 4);
            assertEquals("gemm: b (3, 4) belongs to backend cpu, not to this cuda backend",
                    assertThrows(IllegalArgumentException.class, () -> cuda.gemm(false, false, 1f,
                            Tensor.zeros(cuda, 2, 3), onCpu, 0f, Tensor.zeros(cuda, 2, 4))).getMessage());
            assertEquals("binary ADD: out (3, 4) belongs to backend cpu, not to this cuda backend",
                    assertThrows(IllegalArgumentException.class,
                            () -> cuda.binary(BinaryOp.ADD, onCuda, onCuda, onCpu)).getMessage());
            assertEquals("download: src (3, 4) belongs to backend cpu, not to this cuda backend",
                    assertThrows(IllegalArgumentException.class,
                            () -> cuda.download(onCpu, new float[12])).getMessage());
            assertEquals("copy: src (3, 4) belongs to backend cuda, not to this cpu backend",
                    assertThrows(IllegalArgumentException.class, () -> cpu.copy(onCuda, onCpu)).getMessage());
        }
    }
}
