package io.myelin.init;

import io.myelin.random.SeededRandom;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each initializer's distribution has the documented bounds and standard deviation. */
class InitializerTest {
    private static double std(float[] v) {
        double m = 0;
        for (float x : v) {
            m += x;
        }
        m /= v.length;
        double s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    private static float[] draw(String name, int in, int out) {
        return Initializer.parse(name, Map.of()).sample(in, out, in * out, new SeededRandom(1, 2));
    }

    @Test
    void uniformFamiliesStayInsideTheirLimitsWithTheRightSpread() {
        int in = 300;
        int out = 200;
        double glorot = Math.sqrt(6.0 / (in + out));
        float[] g = draw("glorot_uniform", in, out);
        for (float v : g) {
            assertTrue(Math.abs(v) <= glorot);
        }
        assertEquals(glorot / Math.sqrt(3), std(g), 0.02 * glorot);
        double he = Math.sqrt(6.0 / in);
        float[] h = draw("he_uniform", in, out);
        for (float v : h) {
            assertTrue(Math.abs(v) <= he);
        }
        assertEquals(0.05 / Math.sqrt(3), std(draw("random_uniform", in, out)), 0.002);
    }

    @Test
    void normalFamiliesHaveTheDocumentedStd() {
        int in = 300;
        int out = 200;
        assertEquals(Math.sqrt(2.0 / in), std(draw("he_normal", in, out)), 0.02 * Math.sqrt(2.0 / in));
        assertEquals(Math.sqrt(1.0 / in), std(draw("lecun_normal", in, out)), 0.02 * Math.sqrt(1.0 / in));
        assertEquals(0.05, std(draw("random_normal", in, out)), 0.002);
        double gs = Math.sqrt(2.0 / (in + out));
        float[] gn = draw("xavier_normal", in, out);
        assertEquals(gs, std(gn), 0.03 * gs);
        for (float v : gn) {
            assertTrue(Math.abs(v) <= 2 * gs / 0.87962566 + 1e-6, "truncated at 2 sigma");
        }
    }

    @Test
    void constantsAndReproducibility() {
        assertArrayEquals(new float[] {0.5f, 0.5f}, Initializer.parse("constant", Map.of("value", 0.5)).sample(1, 2, 2, new SeededRandom(0, 0)));
        assertArrayEquals(new float[3], draw("zeros", 1, 3));
        assertArrayEquals(draw("he_normal", 5, 5), draw("he_normal", 5, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Initializer.parse("orthogonal", Map.of()));
        assertTrue(e.getMessage().contains("orthogonal"));
    }
}
