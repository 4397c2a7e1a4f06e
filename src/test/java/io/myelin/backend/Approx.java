package io.myelin.backend;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Element-wise comparison of a backend's float output with a double reference:
 * {@code |actual - expected| <= atol + rtol*|expected|} (or a per-element bound), reporting the worst
 * element with its index, both values and the allowed error.
 */
final class Approx {
    private Approx() {
    }

    static void assertClose(String what, double[] expected, float[] actual, double atol, double rtol) {
        double[] bound = new double[expected.length];
        for (int i = 0; i < bound.length; i++) {
            bound[i] = atol + rtol * Math.abs(expected[i]);
        }
        assertWithin(what, expected, actual, bound);
    }

    /** Per-element absolute bound (used where the bound depends on the data, e.g. GEMM, sums). */
    static void assertWithin(String what, double[] expected, float[] actual, double[] bound) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean same = Double.compare(e, a) == 0 || (Double.isNaN(e) && Double.isNaN(a))
                    || (Double.isInfinite(e) && e == a);
            double err = Math.abs(a - e);
            if (!same && !(err <= bound[i])) {
                double ratio = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / Math.max(bound[i], Double.MIN_VALUE);
                if (worst < 0 || ratio > worstRatio) {
                    worst = i;
                    worstRatio = ratio;
                }
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: element %d is %s, expected %s (error %.3g > allowed %.3g)", what, worst,
                    actual[worst], expected[worst], Math.abs(actual[worst] - expected[worst]), bound[worst]));
        }
    }

    /**
     * Special values: where the reference (rounded to float) is NaN the result must be NaN, where it is
     * infinite the same infinity, where it is a zero a zero of the same sign; elsewhere within
     * {@code atol + rtol*|expected|}. Reports the input that broke it.
     */
    static void assertSpecials(String what, float[] input, float[] expected, float[] actual, double atol, double rtol) {
        assertSpecials(what, input, expected, actual, atol, rtol, true);
    }

    /** As above; with {@code zeroSign} false a zero result may be a zero of either sign or within atol (underflow). */
    static void assertSpecials(String what, float[] input, float[] expected, float[] actual, double atol, double rtol,
                               boolean zeroSign) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            boolean ok;
            if (Float.isNaN(e)) {
                ok = Float.isNaN(a);
            } else if (e == 0f && !zeroSign) {
                ok = Math.abs(a) <= atol;
            } else if (Float.isInfinite(e) || e == 0f) {
                ok = Float.floatToIntBits(e) == Float.floatToIntBits(a);
            } else {
                ok = Math.abs((double) a - e) <= atol + rtol * Math.abs(e);
            }
            if (!ok) {
                fail(what + ": for input " + input[i] + " (element " + i + ") got " + a + ", expected " + e);
            }
        }
    }

    /** Bit-for-bit equality of floats (NaNs compared canonically). */
    static void assertExact(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected exactly " + expected[i]);
            }
        }
    }

    static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
