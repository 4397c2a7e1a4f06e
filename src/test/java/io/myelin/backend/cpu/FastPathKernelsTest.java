package io.myelin.backend.cpu;

import io.myelin.backend.ConvGeometry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CPU kernels' fast paths against their general routines on the same data, bit for bit: the 2x2
 * stride-2 max pool ({@link PoolKernels#maxForwardPairs} against {@link PoolKernels#maxForwardGeneral}), the
 * whole-plane im2col ({@link ConvKernels#im2colPlanes} against {@link ConvKernels#im2colRows}) and the
 * whole-plane and unit-stride col2im against the strided loop (bit for bit up to NaN payloads). Inputs are drawn from a small set of values with many
 * ties, both zeros, both infinities and NaNs with distinct payloads (so a different NaN is caught too).
 */
class FastPathKernelsTest {
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, 2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0x7fc00002), Float.intBitsToFloat(0xffc00003),
            Float.MIN_VALUE, -Float.MAX_VALUE};

    /** Each entry drawn from SPECIAL with probability {@code special}, else a small integer (ties). */
    private static float[] input(Random r, int n, double special) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble() < special ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextInt(3) - 1;
        }
        return x;
    }

    /** Raw bits equal: NaN payloads included (copies and selections keep them). */
    private static void assertSameBits(String what, float[] expected, float[] actual) {
        assertSameBits(what, expected, actual, true);
    }

    /**
     * Bits equal, NaN payloads included when {@code raw}; sums compare with every NaN alike, since Java does
     * not fix the payload of a sum of two NaNs (x86 returns one operand's, a vectorized add may pick the other).
     */
    private static void assertSameBits(String what, float[] expected, float[] actual, boolean raw) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (raw ? Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])
                    : Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + " (bits "
                        + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + "), the general path gives "
                        + expected[i] + " (bits " + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + ")");
            }
        }
    }

    @Test
    void pairWindowsIsTheFullyInside2x2Stride2Pool() {
        assertTrue(PoolKernels.pairWindows(ConvGeometry.of(3, 28, 28, 2, 2, 2, 2, false)));
        assertTrue(PoolKernels.pairWindows(ConvGeometry.of(1, 7, 5, 2, 2, 2, 2, false)));
        assertTrue(PoolKernels.pairWindows(ConvGeometry.of(1, 8, 6, 2, 2, 2, 2, true)));
        assertFalse(PoolKernels.pairWindows(ConvGeometry.of(1, 7, 6, 2, 2, 2, 2, true)), "last window clipped");
        assertFalse(PoolKernels.pairWindows(ConvGeometry.of(1, 8, 8, 2, 2, 1, 1, false)));
        assertFalse(PoolKernels.pairWindows(ConvGeometry.of(1, 8, 8, 3, 3, 2, 2, false)));
        assertFalse(PoolKernels.pairWindows(new ConvGeometry(1, 8, 8, 2, 2, 2, 2, 1, 0, 4, 4)), "padding on top");
    }

    @Test
    void maxPoolPairsMatchTheGeneralPath() {
        Random r = new Random(11);
        int[][] shapes = {{1, 1, 2, 2}, {1, 1, 3, 3}, {2, 3, 7, 5}, {3, 2, 4, 9}, {1, 4, 28, 28}, {5, 1, 2, 11},
                {2, 2, 14, 14}};
        int checked = 0;
        for (int[] s : shapes) {
            for (double special : new double[] {0, 0.2, 0.7, 1}) {
                for (boolean same : new boolean[] {false, true}) {
                    ConvGeometry g = ConvGeometry.of(s[1], s[2], s[3], 2, 2, 2, 2, same);
                    if (!PoolKernels.pairWindows(g)) {
                        continue;
                    }
                    int n = s[0];
                    float[] x = input(r, n * g.inputSize(), special);
                    int out = n * g.channels() * g.outputPlane();
                    float[] y0 = new float[out];
                    float[] a0 = new float[out];
                    float[] y1 = new float[out];
                    float[] a1 = new float[out];
                    float[] y2 = new float[out];
                    PoolKernels.maxForwardGeneral(g, x, y0, a0, 0, n);
                    PoolKernels.maxForward(g, x, y1, a1, 0, n);
                    PoolKernels.maxForward(g, x, y2, null, 0, n);
                    String what = "maxForward n=" + n + " " + g.describe() + " special=" + special;
                    assertSameBits(what + " y", y0, y1);
                    assertSameBits(what + " argmax", a0, a1);
                    assertSameBits(what + " y without argmax", y0, y2);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 40, "fast-path cases checked: " + checked);
    }

    /** Every 2x2 window over {a, b, c, d} drawn from SPECIAL plus one number: each order of ties and NaNs. */
    @Test
    void maxPoolPairsMatchTheGeneralPathOnEveryWindowOfSpecialValues() {
        float[] v = Arrays.copyOf(SPECIAL, SPECIAL.length + 1);
        v[SPECIAL.length] = 0.5f;
        int k = v.length;
        int windows = k * k * k * k;
        ConvGeometry g = ConvGeometry.of(windows, 2, 2, 2, 2, 2, 2, false);
        float[] x = new float[windows * 4];
        for (int i = 0; i < windows; i++) {
            x[4 * i] = v[i % k];
            x[4 * i + 1] = v[i / k % k];
            x[4 * i + 2] = v[i / (k * k) % k];
            x[4 * i + 3] = v[i / (k * k * k)];
        }
        float[] y0 = new float[windows];
        float[] a0 = new float[windows];
        float[] y1 = new float[windows];
        float[] a1 = new float[windows];
        PoolKernels.maxForwardGeneral(g, x, y0, a0, 0, 1);
        PoolKernels.maxForwardPairs(g, x, y1, a1, 0, 1);
        assertSameBits("2x2 windows of special values y", y0, y1);
        assertSameBits("2x2 windows of special values argmax", a0, a1);
    }

    @Test
    void maxPoolPairsHonourTheImageRange() {
        ConvGeometry g = ConvGeometry.of(2, 5, 4, 2, 2, 2, 2, false);
        float[] x = input(new Random(3), 4 * g.inputSize(), 0.3);
        int per = g.channels() * g.outputPlane();
        float[] y0 = new float[4 * per];
        float[] y1 = new float[4 * per];
        Arrays.fill(y0, 7f);
        Arrays.fill(y1, 7f);
        PoolKernels.maxForwardGeneral(g, x, y0, null, 1, 3);
        PoolKernels.maxForwardPairs(g, x, y1, null, 1, 3);
        assertSameBits("images [1, 3)", y0, y1);
        assertEquals(7f, y1[0]);
        assertEquals(7f, y1[4 * per - 1]);
    }

    @Test
    void wholePlanesIsStrideOneWithOutputWidthEqualToWidth() {
        assertTrue(ConvKernels.wholePlanes(ConvGeometry.of(1, 28, 28, 3, 3, 1, 1, true)));
        assertTrue(ConvKernels.wholePlanes(ConvGeometry.of(2, 5, 7, 5, 1, 1, 1, true)));
        assertFalse(ConvKernels.wholePlanes(ConvGeometry.of(1, 28, 28, 3, 3, 1, 1, false)));
        assertFalse(ConvKernels.wholePlanes(ConvGeometry.of(1, 28, 28, 3, 3, 2, 2, true)));
    }

    @Test
    void im2colPlanesAndUnitStrideCol2imMatchTheGeneralPaths() {
        Random r = new Random(5);
        // (C, H, W, kh, kw, stride, same): "same" stride 1 (whole planes), "valid" stride 1, stride 2, even
        // kernels (padding only after the image), kernels larger than the image, a 1-wide image
        int[][] shapes = {{1, 28, 28, 3, 3, 1, 1}, {3, 14, 14, 3, 3, 1, 1}, {2, 5, 7, 5, 5, 1, 1},
                {2, 6, 5, 2, 4, 1, 1}, {1, 3, 2, 5, 5, 1, 1}, {2, 7, 1, 3, 3, 1, 1}, {1, 1, 1, 3, 3, 1, 1},
                {2, 7, 9, 3, 3, 1, 0}, {3, 9, 7, 3, 2, 2, 1}, {1, 8, 8, 1, 1, 1, 0}, {2, 6, 6, 1, 3, 1, 1}};
        int planes = 0;
        for (int[] s : shapes) {
            ConvGeometry g = ConvGeometry.of(s[0], s[1], s[2], s[3], s[4], s[5], s[5], s[6] == 1);
            planes += ConvKernels.wholePlanes(g) ? 1 : 0;
            int n = 3;
            float[] x = input(r, n * g.inputSize(), 0.1);
            for (int[] chunk : new int[][] {{0, 3}, {1, 2}, {2, 1}}) {
                int i0 = chunk[0];
                int nb = chunk[1];
                int len = g.patchSize() * nb * g.outputPlane();
                float[] c0 = new float[len];
                float[] c1 = new float[len];
                Arrays.fill(c0, Float.NaN);
                Arrays.fill(c1, Float.NaN);
                ConvKernels.im2colRows(g, x, i0, nb, c0);
                ConvKernels.im2col(g, x, i0, nb, c1);
                String what = g.describe() + " images [" + i0 + ", " + (i0 + nb) + ")";
                assertSameBits("im2col " + what, c0, c1);
                float[] cols = input(r, len, 0.05);
                for (int i = 0; i < len; i++) {
                    cols[i] *= 1 + r.nextFloat();   // inexact sums: the order of the terms shows
                }
                float[] d0 = input(r, n * g.inputSize(), 1);
                float[] d1 = d0.clone();
                ConvKernels.col2im(g, cols, i0, nb, d0, false);
                ConvKernels.col2im(g, cols, i0, nb, d1);
                assertSameBits("col2im " + what, d0, d1, false);
            }
        }
        assertTrue(planes >= 6, "whole-plane geometries checked: " + planes);
    }
}
