package io.myelin.data;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureStatsTest {
    /** n rows of 3 features: N(0, 1), N(10, 2) and the constant 5. */
    private static float[] rows(int n, long seed, double shift0, double shift1, double shift2) {
        Random r = new Random(seed);
        float[] x = new float[n * 3];
        for (int i = 0; i < n; i++) {
            x[i * 3] = (float) (r.nextGaussian() + shift0);
            x[i * 3 + 1] = (float) (10 + 2 * r.nextGaussian() + shift1);
            x[i * 3 + 2] = (float) (5 + shift2);
        }
        return x;
    }

    private static final List<String> NAMES = List.of("a", "b", "c");

    @Test
    void meansAndDeviationsOfTheTrainingData() {
        FeatureStats s = FeatureStats.fit(new float[] {1, 10, 3, 10, 5, 10}, 2, List.of("p", "q"));
        assertEquals(3, s.mean()[0], 1e-12);
        assertEquals(Math.sqrt(8.0 / 3), s.std()[0], 1e-12);
        assertEquals(0, s.std()[1], 0);
    }

    @Test
    void onlyFeaturesShiftedBeyondTheThresholdAreReportedMostShiftedFirst() {
        FeatureStats s = FeatureStats.fit(rows(20000, 1, 0, 0, 0), 3, NAMES);
        // Shifts of the means in training standard deviations: a by 0.7, b by 2.0 (4 / std 2), c not at all.
        List<FeatureStats.Shift> shifts = s.drift(rows(20000, 2, 0.7, 4, 0), 20000);
        assertEquals(List.of("b", "a"), shifts.stream().map(FeatureStats.Shift::name).toList());
        assertEquals(2.0, shifts.get(0).stds(), 0.05);
        assertEquals(0.7, shifts.get(1).stds(), 0.05);
        assertTrue(s.drift(rows(20000, 3, 0.4, -0.8, 0), 20000).isEmpty(), "0.4 std is within the threshold");
        String w = s.warning(shifts, 20000);
        assertTrue(w.startsWith("the 20000 rows differ from the training data in 2 features") && w.contains("training 10.00 ± 2.00: 2.0 std), a (mean "), w);
        assertNull(s.warning(List.of(), 20000));
    }

    @Test
    void aConstantFeatureThatChangesAndTooFewRows() {
        FeatureStats s = FeatureStats.fit(rows(1000, 1, 0, 0, 0), 3, NAMES);
        List<FeatureStats.Shift> shifts = s.drift(rows(100, 2, 0, 0, 1), 100);
        assertEquals("c", shifts.get(0).name());
        assertTrue(s.warning(shifts, 100).contains("constant in training"), s.warning(shifts, 100));
        assertTrue(s.drift(rows(FeatureStats.MIN_ROWS - 1, 2, 5, 5, 5), FeatureStats.MIN_ROWS - 1).isEmpty());
        assertEquals(3, s.drift(rows(FeatureStats.MIN_ROWS, 2, 5, 50, 5), FeatureStats.MIN_ROWS).size());
    }

    @Test
    void savedAndReadBack() throws Exception {
        FeatureStats s = FeatureStats.fit(rows(50, 1, 0, 0, 0), 3, NAMES);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<?, ?> m = json.readValue(json.writeValueAsString(s.toMap()), Map.class);
        FeatureStats back = FeatureStats.fromMap(m);
        assertEquals(s.names(), back.names());
        assertEquals(s.mean()[1], back.mean()[1], 0);
        assertEquals(s.std()[0], back.std()[0], 0);
    }
}
