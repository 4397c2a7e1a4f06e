package io.myelin.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {
    // Three samples of shape [2, 2]; sample i holds 10*i + k.
    private static final float[] X = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23};

    @Test
    void classificationBasics() {
        Dataset d = Dataset.classification(X, new int[] {2, 2}, new int[] {2, 0, 1}, 3);
        assertEquals(3, d.n());
        assertEquals(4, d.numFeatures());
        assertArrayEquals(new float[] {10, 11, 12, 13}, d.row(1));
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, d.oneHot());
        assertArrayEquals(new float[] {2, 0, 1}, d.classLabelsAsFloats());
        assertEquals(List.of("0", "1", "2"), d.classNames());
        assertEquals(3, d.targetDim());
        assertEquals("Dataset[n=3, features=[2, 2], classes=3]", d.toString());
        assertThrows(IllegalStateException.class, d::targets);
    }

    @Test
    void subsetKeepsRowsAndLabelsTogether() {
        Dataset d = Dataset.classification(X, new int[] {2, 2}, new int[] {2, 0, 1}, List.of("cat", "dog", "emu"));
        Dataset s = d.subset(new int[] {2, 0, 2});
        assertArrayEquals(new float[] {20, 21, 22, 23, 0, 1, 2, 3, 20, 21, 22, 23}, s.x());
        assertArrayEquals(new int[] {1, 2, 1}, s.classLabels());
        assertEquals(List.of("cat", "dog", "emu"), s.classNames());
        assertArrayEquals(new int[] {2, 2}, s.featureShape());
        assertThrows(IndexOutOfBoundsException.class, () -> d.subset(new int[] {3}));
    }

    @Test
    void regressionTargetsFollowTheirRows() {
        Dataset d = Dataset.regression(X, new int[] {4}, new float[] {1, 2, 3, 4, 5, 6}, 2);
        assertArrayEquals(new float[] {5, 6, 1, 2}, d.subset(new int[] {2, 0}).targets());
        assertEquals(2, d.targetDim());
        assertThrows(IllegalStateException.class, d::oneHot);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, d.withTargets(new float[6]).targets());
    }

    @Test
    void inconsistentShapesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.classification(X, new int[] {5}, new int[3], 2));
        assertTrue(e.getMessage().contains("not a multiple of 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.classification(X, new int[] {4}, new int[2], 2));
        assertThrows(IllegalArgumentException.class, () -> Dataset.classification(X, new int[] {4}, new int[] {0, 2, 1}, 2));
        assertThrows(IllegalArgumentException.class, () -> Dataset.regression(X, new int[] {4}, new float[4], 2));
        assertThrows(IllegalArgumentException.class, () -> Dataset.regression(X, new int[] {4}, new float[3], 1)
                .withFeatures(new float[4]));
    }

    @Test
    void sourceRowsSurviveSubsetsSplitsAndNewFeatures() {
        Dataset d = Dataset.classification(new float[] {0, 1, 2, 3, 4}, new int[] {1}, new int[] {0, 1, 0, 1, 0}, 2)
                .withRows(new int[] {3, 5, 7, 9, 11});
        Dataset s = d.subset(new int[] {4, 0});
        assertEquals(11, s.sourceRow(0));
        assertEquals(3, s.sourceRow(1));
        assertEquals(3, s.withFeatures(new float[] {0, 0}).sourceRow(1));
        TrainTest tt = Splits.trainTest(d, 0.4, 1);
        for (int i = 0; i < tt.test().n(); i++) {
            assertEquals(2 * (int) tt.test().x()[i] + 3, tt.test().sourceRow(i), "row follows the sample");
        }
        assertEquals(2, Dataset.classification(new float[] {0, 1}, new int[] {1}, new int[] {0, 1}, 2).sourceRow(1));
    }
}
