package io.myelin.data;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class DigitsTest {
    /** The resource's first line, parsed here independently of CsvReader. */
    private static String[] firstLineOfResource() throws IOException {
        try (InputStream in = Digits.class.getResourceAsStream(Digits.RESOURCE);
             BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.US_ASCII))) {
            return r.readLine().split(",");
        }
    }

    @Test
    void loadsAll1797SamplesOf64Features() throws IOException {
        Dataset d = Digits.load();
        assertEquals(1797, d.n());
        assertEquals(64, d.numFeatures());
        assertArrayEquals(new int[] {8, 8}, d.featureShape());
        assertEquals(10, d.numClasses());

        String[] cells = firstLineOfResource();
        assertEquals(65, cells.length);
        float[] first = new float[64];
        for (int i = 0; i < 64; i++) {
            first[i] = Float.parseFloat(cells[i]);
        }
        assertArrayEquals(first, d.row(0));
        assertEquals(Integer.parseInt(cells[64]), d.classLabels()[0]);
        // The file's first image, as printed by `zcat digits.csv.gz | head -1`: a zero.
        assertArrayEquals(new float[] {0, 0, 5, 13, 9, 1, 0, 0}, java.util.Arrays.copyOf(d.row(0), 8));
        assertEquals(0, d.classLabels()[0]);

        int[] perClass = new int[10];
        float max = 0;
        for (int i = 0; i < d.n(); i++) {
            perClass[d.classLabels()[i]]++;
        }
        for (float v : d.x()) {
            max = Math.max(max, v);
        }
        assertEquals(16f, max);
        // Class counts of the UCI optdigits test set (optdigits.tes), which this file is.
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, perClass);
    }

    @Test
    void defaultSplitIsEightyTwentyAndReproducible() {
        TrainTest a = Digits.trainTest(Digits.DEFAULT_SEED);
        TrainTest b = Digits.trainTest(Digits.DEFAULT_SEED);
        assertEquals(1438, a.train().n());
        assertEquals(359, a.test().n());
        assertArrayEquals(a.test().x(), b.test().x());
        assertArrayEquals(a.train().classLabels(), b.train().classLabels());
        assertFalse(java.util.Arrays.equals(a.test().x(), Digits.trainTest(7).test().x()));
    }
}
