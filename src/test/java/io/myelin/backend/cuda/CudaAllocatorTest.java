package io.myelin.backend.cuda;

import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import io.myelin.testing.UseBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaAllocatorTest {

    @Test
    void sizeClassesRoundUpToTheGrain() {
        assertEquals(512, CudaAllocator.sizeClass(4));
        assertEquals(512, CudaAllocator.sizeClass(512));
        assertEquals(1024, CudaAllocator.sizeClass(513));
        assertEquals(1 << 20, CudaAllocator.sizeClass((1 << 20) - 1));
        assertEquals(2 << 20, CudaAllocator.sizeClass((1 << 20) + 1));
        assertEquals(5L << 20, CudaAllocator.sizeClass((4L << 20) + 3));
    }

    @Test
    void liveBytesReturnToBaselineAfterAScope(@UseBackend("cuda") CudaBackend cuda) {
        try (Tensor param = Tensor.zeros(cuda, 10, 10)) {
            long baseline = cuda.liveBytes();
            assertEquals(400, baseline, "live bytes are exact: 100 floats");
            for (int step = 0; step < 3; step++) {
                try (Scope s = Scope.open()) {
                    Tensor a = Tensor.of(cuda, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
                    Tensor b = Tensor.full(cuda, 2f, 3, 1000);
                    Tensor c = Tensor.empty(cuda, 2, 1000);
                    cuda.gemm(false, false, 1f, a, b, 0f, c);
                    assertEquals(3, s.ownedCount());
                    assertEquals(baseline + (6 + 3000 + 2000) * 4L, cuda.liveBytes());
                    float[] out = c.toArray();
                    assertEquals(12f, out[0]);
                    assertEquals(30f, out[1999]);
                }
                assertEquals(baseline, cuda.liveBytes(), "after step " + step);
                assertTrue(cuda.cachedBytes() > 0, "released blocks are cached for the next step");
            }
            assertArrayEquals(new float[100], param.toArray());
        }
        assertEquals(0, cuda.liveBytes());
    }

    @Test
    void closeFreesEverythingEvenLiveTensors(@UseBackend("cuda") CudaBackend cuda) {
        Tensor leaked = Tensor.zeros(cuda, 1000);
        assertEquals(4000, cuda.liveBytes());
        cuda.close();
        assertEquals(0, cuda.liveBytes());
        leaked.close();  // releasing into a closed backend is a no-op, not a crash
        assertEquals(0, cuda.liveBytes());
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(cuda, 4));
        cuda.close();  // idempotent
    }

    @Test
    void doubleReleaseIsAnError(@UseBackend("cuda") CudaBackend cuda) {
        Tensor t = Tensor.zeros(cuda, 8);
        var storage = t.storage();
        t.close();
        assertThrows(IllegalStateException.class, () -> cuda.release(storage));
    }
}
