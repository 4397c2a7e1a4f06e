package io.myelin.data;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvSchemaTest {
    private static CsvTable table(String csv) {
        return CsvTable.read(new StringReader(csv), "t.csv", CsvTable.Format.DEFAULT);
    }

    private static CsvTable headerless(String csv) {
        return CsvTable.read(new StringReader(csv), "t.csv", new CsvTable.Format(false, ','));
    }

    private static final String TRAIN = "size,color,y\n1,red,cat\n2,blue,dog\n3,red,bird\n";

    private static String error(Runnable r) {
        return assertThrows(DataException.class, r::run).getMessage();
    }

    @Test
    void anotherFileIsEncodedThroughTheTrainingColumnsAndClasses() {
        CsvSchema s = CsvSchema.fit(table(TRAIN), "y", null);
        assertEquals(List.of("bird", "cat", "dog"), s.classes());
        assertEquals(List.of("size", "color=blue", "color=red"), s.inputNames());
        // Columns in another order, and without the class "bird": the indices stay those of training.
        CsvSchema.Encoded e = s.encode(table("y,color,size\ndog,red,5\ncat,blue,6\n"), null, true);
        assertArrayEquals(new float[] {5, 0, 1, 6, 1, 0}, e.x());
        assertArrayEquals(new int[] {2, 1}, e.classLabels());
        assertArrayEquals(new int[] {1, 2}, e.rows());
        CsvSchema.Encoded unlabelled = s.encode(table("size,color\n5,red\n"), null, false);
        assertFalse(unlabelled.hasLabels());
        assertArrayEquals(new float[] {5, 0, 1}, unlabelled.x());
    }

    @Test
    void unknownLabelsCategoriesAndColumnsAreErrorsNamingThem() {
        CsvSchema s = CsvSchema.fit(table(TRAIN), "y", null);
        String label = error(() -> s.encode(table("size,color,y\n1,red,cat\n2,red,fish\n"), null, true));
        assertTrue(label.contains("file t.csv, row 2 (line 3), column 'y': label 'fish' is not one of the 3 classes the "
                + "model was trained on (bird, cat, dog)"), label);
        String category = error(() -> s.encode(table("size,color,y\n1,green,cat\n"), null, true));
        assertTrue(category.contains("row 1 (line 2), column 'color': category 'green' was not in the training data "
                + "(known: blue, red)"), category);
        String missing = error(() -> s.encode(table("size,y\n1,cat\n"), null, true));
        assertTrue(missing.contains("has no column 'color', which the model was trained on"), missing);
        String extra = error(() -> s.encode(table("size,color,weight,y\n1,red,3,cat\n"), null, true));
        assertTrue(extra.contains("has column weight the model was not trained on"), extra);
        String noLabel = error(() -> s.encode(table("size,color\n1,red\n"), null, true));
        assertTrue(noLabel.contains("has no label column 'y' (columns: size, color)"), noLabel);
        String kind = error(() -> s.encode(table("size,color,y\nbig,red,cat\n"), null, true));
        assertTrue(kind.contains("'big' is not a number, but the model was trained on numbers in this column"), kind);
    }

    @Test
    void withoutAHeaderColumnsArePositionalWithOrWithoutTheLabel() {
        CsvSchema s = CsvSchema.fit(headerless("1,a,7\n2,b,8\n"), "2", null);
        assertEquals("c2", s.label());
        assertEquals(List.of("a", "b"), s.classes());
        assertArrayEquals(new int[] {1}, s.encode(headerless("3,b,9\n"), null, true).classLabels());
        CsvSchema.Encoded e = s.encode(headerless("3,9\n4,10\n"), null, false);
        assertArrayEquals(new float[] {3, 9, 4, 10}, e.x());
        String wrong = error(() -> s.encode(headerless("3\n"), null, false));
        assertTrue(wrong.contains("has 1 columns, but the model was trained on 2 feature columns and a label column"), wrong);
    }

    @Test
    void theSavedLayoutReadsBackToTheSameEncoding() {
        CsvSchema s = CsvSchema.fit(table(TRAIN), "y", null);
        CsvSchema back = CsvSchema.fromMap(s.toMap(), s.task(), s.classes());
        CsvTable other = table("size,color,y\n4,blue,bird\n");
        assertArrayEquals(s.encode(other, null, true).x(), back.encode(other, null, true).x());
        assertArrayEquals(s.encode(other, null, true).classLabels(), back.encode(other, null, true).classLabels());
        CsvSchema regression = CsvSchema.fit(table("x,price\n1,2.5\n2,3.5\n"), null, null);
        assertEquals(Task.REGRESSION, regression.task());
        assertNull(regression.classes());
        assertEquals("inferred: 2 distinct numeric targets, not all integers", regression.inference());
    }
}
