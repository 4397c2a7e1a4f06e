package io.myelin.random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random123 known-answer vectors for philox4x32-10 (kat_vectors in the Random123 distribution). */
class PhiloxTest {

    private static int[] words(long... w) {
        int[] out = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = (int) w[i];
        }
        return out;
    }

    @Test
    void zeroCounterZeroKey() {
        assertArrayEquals(words(0x6627e8d5L, 0xe169c58dL, 0xbc57ac4cL, 0x9b00dbd8L),
                Philox.block(new int[4], new int[2]));
    }

    @Test
    void allOnes() {
        assertArrayEquals(words(0x408f276dL, 0x41c83b0eL, 0xa20bc7c6L, 0x6d5451fdL),
                Philox.block(words(0xffffffffL, 0xffffffffL, 0xffffffffL, 0xffffffffL), words(0xffffffffL, 0xffffffffL)));
    }

    @Test
    void piDigits() {
        assertArrayEquals(words(0xd16cfe09L, 0x94fdccebL, 0x5001e420L, 0x24126ea1L),
                Philox.block(words(0x243f6a88L, 0x85a308d3L, 0x13198a2eL, 0x03707344L), words(0xa4093822L, 0x299f31d0L)));
    }

    @Test
    void dropoutMaskKeepsTheRightFractionAndMatchesWordRule() {
        int n = 100_003;
        float keep = 0.8f;
        float[] mask = new float[n];
        Philox.dropoutMask(1234L, 3, 17L, keep, mask, n);
        long threshold = Philox.keepThreshold(keep);
        int[] scratch = new int[4];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            boolean k = Integer.toUnsignedLong(Philox.dropoutWord(1234L, 3, 17L, i, scratch)) < threshold;
            assertEquals(k ? 1f / keep : 0f, mask[i], "element " + i);
            kept += k ? 1 : 0;
        }
        assertEquals(0.8, kept / (double) n, 0.01);
    }

    @Test
    void differentStepsAndStreamsGiveDifferentMasks() {
        float[] a = new float[256];
        float[] b = new float[256];
        float[] c = new float[256];
        Philox.dropoutMask(1, 0, 0, 0.5f, a, 256);
        Philox.dropoutMask(1, 0, 1, 0.5f, b, 256);
        Philox.dropoutMask(1, 1, 0, 0.5f, c, 256);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void keepThresholdIsFloorOfKeepTimesTwoToThe32() {
        assertEquals(4294967296L, Philox.keepThreshold(1f));
        assertEquals(2147483648L, Philox.keepThreshold(0.5f));
        assertEquals((long) Math.floor(0.9f * 4294967296.0), Philox.keepThreshold(0.9f));
        assertThrows(IllegalArgumentException.class, () -> Philox.keepThreshold(0f));
        assertThrows(IllegalArgumentException.class, () -> Philox.keepThreshold(1.5f));
    }

    @Test
    void seededRandomIsReproducibleAndRoughlyUniform() {
        SeededRandom r1 = new SeededRandom(99, 1);
        SeededRandom r2 = new SeededRandom(99, 1);
        double sum = 0;
        for (int i = 0; i < 10_000; i++) {
            float u = r1.nextFloat();
            assertEquals(u, r2.nextFloat());
            assertTrue(u >= 0f && u < 1f);
            sum += u;
        }
        assertEquals(0.5, sum / 10_000, 0.02);
        double sq = 0;
        for (int i = 0; i < 10_000; i++) {
            double g = r1.nextGaussian();
            sq += g * g;
        }
        assertEquals(1.0, sq / 10_000, 0.05);
    }
}
