package io.myelin.backend.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Erf} against published values and against composite Simpson integration of
 * {@code 2/sqrt(pi) e^(-t^2)} (an independent method), in absolute error for erf and relative error for
 * erfc in the upper tail.
 */
class ErfTest {

    @Test
    void publishedValues() {
        // Abramowitz & Stegun table 7.1 / any CAS, to 16 digits; the fit is good to about 1e-14 absolute.
        assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-14);
        assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-14);
        assertEquals(0.9953222650189527, Erf.erf(2.0), 1e-14);
        assertEquals(-0.8427007929497149, Erf.erf(-1.0), 1e-14);
        assertEquals(1.1283791670955126e-10, Erf.erf(1e-10), 1e-24);
        assertEquals(0.15729920705028513, Erf.erfc(1.0), 1e-14);
        assertEquals(4.677734981047266e-3, Erf.erfc(2.0), 1e-16 * 10);
        assertEquals(1.5374597944280349e-12, Erf.erfc(5.0), 1e-12 * 1e-12);
        assertEquals(2.088487583762545e-45, Erf.erfc(10.0), 2.1e-45 * 1e-12);
        assertEquals(1.8427007929497148, Erf.erfc(-1.0), 1e-14);
        assertEquals(0.0, Erf.erf(0.0));
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Erf.erfc(Double.NaN)));
    }

    @Test
    void erfMatchesSimpsonIntegrationWithin1e13() {
        double worst = 0;
        for (double x = -6; x <= 6; x += 0.0625) {
            worst = Math.max(worst, Math.abs(Erf.erf(x) - simpson(0, x, 20_000)));
        }
        assertTrue(worst < 1e-13, "max |erf - integral| = " + worst + " (GELU needs < 1e-7)");
    }

    @Test
    void erfcKeepsRelativeAccuracyInTheTail() {
        double worst = 0;
        for (double x = 0.5; x <= 26; x += 0.25) {
            double tail = simpson(x, x + 12, 200_000);
            worst = Math.max(worst, Math.abs(Erf.erfc(x) / tail - 1));
        }
        assertTrue(worst < 1e-11, "max relative error of erfc on [0.5, 26] = " + worst);
    }

    /** 2/sqrt(pi) * integral of e^(-t^2) over [a, b], composite Simpson with n (even) intervals. */
    private static double simpson(double a, double b, int n) {
        double h = (b - a) / n;
        double s = f(a) + f(b);
        for (int i = 1; i < n; i++) {
            s += (i % 2 == 1 ? 4 : 2) * f(a + i * h);
        }
        return s * h / 3 * 2 / Math.sqrt(Math.PI);
    }

    private static double f(double t) {
        return Math.exp(-t * t);
    }
}
