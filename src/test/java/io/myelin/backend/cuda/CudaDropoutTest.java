package io.myelin.backend.cuda;

import io.myelin.random.Philox;
import io.myelin.tensor.Tensor;
import io.myelin.testing.UseBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CUDA dropout kernel must produce Philox.dropoutMask bit for bit (DESIGN.md, "Same seed, same numbers"). */
class CudaDropoutTest {
    @UseBackend("cuda")
    private static CudaBackend cuda;

    @ParameterizedTest(name = "seed={0} stream={1} step={2} keep={3} n={4}")
    @CsvSource({
            "0, 0, 0, 0.5, 1",
            "1234, 3, 17, 0.8, 1001",
            "-1, 7, 4294967299, 0.9, 4096",          // seed with all high bits, step above 2^32
            "81985529216486895, 2147483647, -5, 0.25, 3",
            "42, 1, 1, 1.0, 777",                     // keep = 1: threshold 2^32 keeps everything
            "42, 1, 2, 0.001, 65539",
            "9, -2, 123456789012, 0.6180339, 300007"})
    void maskIsBitIdenticalToPhilox(long seed, int stream, long step, float keep, int n) {
        float[] expected = new float[n];
        Philox.dropoutMask(seed, stream, step, keep, expected, n);
        try (Tensor mask = Tensor.empty(cuda, n)) {
            cuda.fill(mask, Float.NaN);
            cuda.dropoutMask(seed, stream, step, keep, mask);
            float[] actual = mask.toArray();
            for (int i = 0; i < n; i++) {
                if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                    assertEquals(expected[i], actual[i], "element " + i + " of " + n);
                }
            }
        }
    }
}
