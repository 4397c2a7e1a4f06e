package io.myelin.backend.cpu;

import io.myelin.backend.BinaryOp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link VectorKernels} against the scalar loops they replace, bit for bit (raw bits for the selects, which must
 * move values untouched, NaN payloads included; canonical NaN for arithmetic), on random values mixed with
 * NaN, signed zeros, subnormals and infinities, for ranges that start and end off a vector boundary. The
 * contract suite checks the same semantics through the backend on CPU and CUDA.
 */
class BitExactSimdTest {
    private static final float[] SPECIAL = {Float.NaN, Float.intBitsToFloat(0x7fc00123), Float.intBitsToFloat(0xffa00001),
        -0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -1e-40f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};

    /**
     * Under Maven (surefire sets {@code myelin.test.execution}) the test JVM resolves jdk.incubator.vector
     * (pom.xml's argLine), so the SIMD path is what the suite runs; elsewhere (the GPU bundle's jlinked runtime
     * has no such module) these tests skip, and the scalar loops are what the contract suite checks.
     */
    @BeforeEach
    void needsTheVectorModule() {
        if (System.getProperty("myelin.test.execution") != null) {
            assertTrue(Simd.ENABLED, "the test JVM must run with --add-modules jdk.incubator.vector (pom.xml argLine),"
                    + " else the SIMD loops go untested");
        }
        Assumptions.assumeTrue(Simd.moduleResolved(), "this JVM has not resolved jdk.incubator.vector");
    }

    @Test
    void lanes() {
        assertTrue(VectorKernels.lanes() >= 4, "lanes " + VectorKernels.lanes());
    }

    private static float[] values(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(3) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) (r.nextGaussian() * 3);
        }
        return v;
    }

    private static void sameRawBits(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail(what + ": element " + i + " is " + got[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(got[i]))
                        + "), the scalar loop gives " + want[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(want[i]))
                        + ")");
            }
        }
    }

    private static void sameBits(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + ": element " + i + " is " + got[i] + ", the scalar loop gives " + want[i]);
            }
        }
    }

    @Test
    void reluFamilyMatchesScalarLoops() {
        Random r = new Random(11);
        int[][] ranges = {{0, 0}, {0, 1}, {0, 3}, {0, 16}, {0, 17}, {3, 250}, {5, 5 + 64}, {1, 1000}, {0, 4099}};
        for (int[] range : ranges) {
            int lo = range[0];
            int hi = range[1];
            int n = hi + 7;
            float[] x = values(r, n);
            float[] dy = values(r, n);
            float p = 0.2f;
            String at = " [" + lo + ", " + hi + ")";
            float[] want = values(r, n);   // garbage outside [lo, hi) must stay as it is
            float[] got = want.clone();
            ActivationKernels.reluForwardScalar(x, want, lo, hi);
            VectorKernels.reluForward(x, got, lo, hi);
            sameRawBits("relu forward" + at, want, got);
            ActivationKernels.reluBackwardScalar(x, dy, want, lo, hi);
            VectorKernels.reluBackward(x, dy, got, lo, hi);
            sameRawBits("relu backward" + at, want, got);
            ActivationKernels.leakyReluForwardScalar(p, x, want, lo, hi);
            VectorKernels.leakyReluForward(p, x, got, lo, hi);
            sameBits("leaky_relu forward" + at, want, got);
            ActivationKernels.leakyReluBackwardScalar(p, x, dy, want, lo, hi);
            VectorKernels.leakyReluBackward(p, x, dy, got, lo, hi);
            sameBits("leaky_relu backward" + at, want, got);
            float[] inPlace = x.clone();   // y may be x
            ActivationKernels.reluForwardScalar(x, want, 0, n);
            VectorKernels.reluForward(inPlace, inPlace, 0, n);
            sameRawBits("relu forward in place" + at, want, inPlace);
        }
    }

    @Test
    void rowBroadcastMatchesScalarLoops() {
        Random r = new Random(12);
        int[][] shapes = {{1, 1}, {3, 5}, {4, 16}, {5, 33}, {9, 256}, {2, 1001}};
        for (BinaryOp op : BinaryOp.values()) {
            if (!VectorKernels.hasRowOp(op)) {
                continue;
            }
            for (int[] s : shapes) {
                int rows = s[0];
                int cols = s[1];
                float[] x = values(r, rows * cols);
                float[] y = values(r, cols);
                float[] want = new float[x.length];
                float[] got = new float[x.length];
                for (int row = 0; row < rows; row++) {
                    ElementwiseKernels.binaryRow(op, x, y, want, row * cols, cols, 0);
                }
                VectorKernels.binaryRowBroadcast(op, x, y, got, cols, 0, rows);
                sameBits(op + " row broadcast " + rows + "x" + cols, want, got);
                float[] inPlace = x.clone();   // out may be x
                VectorKernels.binaryRowBroadcast(op, inPlace, y, inPlace, cols, 1, rows);
                for (int i = 0; i < cols; i++) {
                    want[i] = x[i];   // row 0 is outside [1, rows)
                }
                sameBits(op + " row broadcast in place, rows [1, " + rows + ")", want, inPlace);
            }
        }
        assertEquals(4, java.util.Arrays.stream(BinaryOp.values()).filter(VectorKernels::hasRowOp).count());
    }

    @Test
    void columnSumsMatchScalarLoop() {
        Random r = new Random(13);
        int[][] cases = {{1, 1, 0, 1}, {7, 5, 0, 5}, {1024, 256, 0, 256}, {33, 40, 3, 37}, {5, 300, 16, 300}, {2, 17, 0, 17}};
        for (int[] c : cases) {
            int rows = c[0];
            int cols = c[1];
            float[] x = values(r, rows * cols);
            if (rows == 1024) {   // no specials: sums of many finite terms, where the order of additions shows
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian() * (1 + r.nextInt(1000));
                }
            }
            float[] want = values(r, cols);
            float[] got = want.clone();
            ReduceKernels.columnSumsScalar(x, rows, cols, want, c[2], c[3]);
            VectorKernels.columnSums(x, rows, cols, got, c[2], c[3]);
            sameBits("column sums " + rows + "x" + cols + " columns [" + c[2] + ", " + c[3] + ")", want, got);
        }
    }
}
