package io.myelin.data;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormalizerTest {
    // Feature 0 varies (0, 2, 4), feature 1 is constant (10).
    private static final Dataset TRAIN = Dataset.regression(new float[] {0, 10, 2, 10, 4, 10}, new int[] {2},
            new float[] {1, 2, 3}, 1);
    private static final Dataset TEST = Dataset.regression(new float[] {8, 5}, new int[] {2}, new float[] {4}, 1);

    @Test
    void minMaxUsesTrainingStatisticsOnly() {
        Normalizer norm = Normalizer.fit(Normalizer.Kind.MIN_MAX, TRAIN);
        assertArrayEquals(new float[] {0, 0, 0.5f, 0, 1, 0}, norm.apply(TRAIN).x());
        // Test data is mapped with the training min and range, so it may leave [0, 1]; the constant
        // feature is divided by 1, not 0.
        assertArrayEquals(new float[] {2, -5}, norm.apply(TEST).x());
        assertArrayEquals(new float[] {4}, norm.apply(TEST).targets(), "labels untouched");
    }

    @Test
    void zScoreUsesPopulationStandardDeviation() {
        Normalizer norm = Normalizer.fit(Normalizer.Kind.Z_SCORE, TRAIN);
        float std = (float) Math.sqrt(8.0 / 3.0); // deviations -2, 0, 2 over n = 3
        assertArrayEquals(new float[] {2, 10}, norm.shift());
        assertArrayEquals(new float[] {std, 1}, norm.scale());
        assertArrayEquals(new float[] {-2 / std, 0, 0, 0, 2 / std, 0}, norm.apply(TRAIN).x(), 1e-6f);
        assertArrayEquals(new float[] {6 / std, -5}, norm.apply(TEST).x(), 1e-6f);
    }

    @Test
    void survivesAJsonRoundTrip() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (Normalizer.Kind kind : Normalizer.Kind.values()) {
            Normalizer norm = Normalizer.fit(kind, TRAIN);
            String text = json.writeValueAsString(norm.toMap());
            assertTrue(text.contains("\"kind\":\"" + kind.jsonName() + "\""), text);
            Map<String, Object> back = json.readValue(text, new TypeReference<>() { });
            assertEquals(norm, Normalizer.fromMap(back));
        }
    }

    @Test
    void mismatchesAreReported() {
        Normalizer norm = Normalizer.fit(Normalizer.Kind.MIN_MAX, TRAIN);
        Dataset wide = Dataset.regression(new float[3], new int[] {3}, new float[1], 1);
        assertTrue(assertThrows(DataException.class, () -> norm.apply(wide)).getMessage()
                .contains("fitted on 2 features, but the data has 3"));
        assertThrows(DataException.class, () -> Normalizer.fromMap(Map.of("kind", "robust", "shift", new float[1],
                "scale", new float[1])));
        assertThrows(DataException.class, () -> new Normalizer(Normalizer.Kind.Z_SCORE, new float[1], new float[] {0}));
    }

    @Test
    void log1pTargetTransformRoundTripsAndRejectsTargetsAtOrBelowMinusOne() {
        float[] y = {0, 1, 99, 1e6f};
        float[] t = TargetTransform.LOG1P.forward(y);
        assertEquals((float) Math.log(100), t[2], 1e-6f);
        float[] back = TargetTransform.LOG1P.inverse(t);
        for (int i = 0; i < y.length; i++) {
            // float32 log space has ~7 digits, so the round trip is good to a relative ~1e-6.
            assertEquals(y[i], back[i], 2e-6f * (1 + y[i]), "target " + i);
        }
        assertArrayEquals(y, TargetTransform.NONE.forward(y));
        assertTrue(assertThrows(DataException.class, () -> TargetTransform.LOG1P.forward(new float[] {3, -1}))
                .getMessage().contains("target 1 is -1.0"));
        assertEquals(TargetTransform.LOG1P, TargetTransform.fromJsonName("log1p"));
        Dataset logged = TargetTransform.LOG1P.apply(TRAIN);
        assertArrayEquals(new float[] {(float) Math.log(2), (float) Math.log(3), (float) Math.log(4)}, logged.targets(), 1e-7f);
        Dataset classes = Dataset.classification(new float[] {1}, new int[] {1}, new int[] {0}, 1);
        assertThrows(DataException.class, () -> TargetTransform.LOG1P.apply(classes));
    }

    @Test
    void theSpecNamesMapToFittedNormalizersInOnePlace() {
        Dataset d = Dataset.regression(new float[] {0, 10, 4, 30}, new int[] {2}, new float[] {1, 2}, 1);
        Normalizer none = Normalizer.forName("none", d, false);
        assertEquals(Normalizer.Kind.NONE, none.kind());
        assertArrayEquals(d.x(), none.apply(d.x()));
        assertArrayEquals(new float[] {0, 0, 1, 1}, Normalizer.forName(null, d, false).apply(d.x()), 1e-6f);
        assertArrayEquals(new float[] {0, 10 / 30f, 4 / 30f, 1}, Normalizer.forName("min_max", d, true).apply(d.x()), 1e-6f);
        assertArrayEquals(new float[] {-1, -1, 1, 1}, Normalizer.forName("z_score", d, false).apply(d.x()), 1e-6f);
        DataException e = assertThrows(DataException.class, () -> Normalizer.forName("unit", d, false));
        assertTrue(e.getMessage().contains("unknown normalization 'unit' (known: min_max, z_score, none)"), e.getMessage());
        assertEquals(Normalizer.Kind.NONE, Normalizer.fromMap(none.toMap()).kind());
    }

    @Test
    void inverseUndoesApply() {
        Normalizer z = Normalizer.fit(Normalizer.Kind.Z_SCORE, new float[] {1000, 3000, 2000}, 1);
        float[] y = {1500, 2500};
        assertArrayEquals(y, z.inverse(z.apply(y)), 1e-3f);
    }
}
