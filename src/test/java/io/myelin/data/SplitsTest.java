package io.myelin.data;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SplitsTest {
    /** Sample i has feature i and label i % 4, so a split can be traced back to the indices. */
    private static Dataset indexed(int n) {
        float[] x = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            labels[i] = i % 4;
        }
        return Dataset.classification(x, new int[] {1}, labels, 4);
    }

    private static void collect(Dataset d, Set<Integer> into) {
        for (int i = 0; i < d.n(); i++) {
            int index = (int) d.x()[i];
            assertEquals(index % 4, d.classLabels()[i], "labels travel with their rows");
            assertFalse(!into.add(index), "sample " + index + " appears twice");
        }
    }

    @Test
    void threeWaySplitIsDisjointCompleteAndSized() {
        TrainValidationTest s = Splits.trainValidationTest(indexed(100), 0.1, 0.2, 7);
        assertEquals(70, s.train().n());
        assertEquals(10, s.validation().n());
        assertEquals(20, s.test().n());
        Set<Integer> seen = new HashSet<>();
        collect(s.train(), seen);
        collect(s.validation(), seen);
        collect(s.test(), seen);
        assertEquals(100, seen.size());
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        Dataset d = indexed(50);
        TrainTest a = Splits.trainTest(d, 0.3, 11);
        TrainTest b = d.split(0.3, 11);
        TrainTest c = Splits.trainTest(d, 0.3, 12);
        assertArrayEquals(a.test().x(), b.test().x());
        assertArrayEquals(a.train().x(), b.train().x());
        assertFalse(java.util.Arrays.equals(a.test().x(), c.test().x()));
        assertArrayEquals(Splits.permutation(50, 11), Splits.permutation(50, 11));
    }

    @Test
    void permutationIsAShuffleNotTheIdentity() {
        int[] p = Splits.permutation(1000, 3);
        int[] sorted = p.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        int fixed = 0;
        for (int i = 0; i < p.length; i++) {
            fixed += p[i] == i ? 1 : 0;
        }
        // A uniform permutation has one fixed point on average.
        assertFalse(fixed > 10, fixed + " fixed points");
    }

    @Test
    void badFractionsAreRefused() {
        Dataset d = indexed(10);
        assertThrows(DataException.class, () -> Splits.trainTest(d, 1.0, 1));
        assertThrows(DataException.class, () -> Splits.trainTest(d, -0.1, 1));
        assertThrows(DataException.class, () -> Splits.trainValidationTest(d, 0.5, 0.5, 1));
    }
}
