package io.myelin.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvReaderTest {
    @TempDir
    Path dir;

    private static Dataset parse(String csv) {
        return new CsvReader().read(new StringReader(csv), "t.csv");
    }

    private static String error(CsvReader reader, String csv) {
        return assertThrows(DataException.class, () -> reader.read(new StringReader(csv), "t.csv")).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void readsQuotedFieldsWithCommasQuotesAndLineBreaks() throws IOException {
        String csv = "\uFEFFwidth,\"height, cm\",\"say \"\"hi\"\"\",\"species\"\r\n"
                + "1.5,\"2\",-3e2,\"setosa\"\r\n"
                + "\r\n"
                + "\" 4 \",.5,+6,\"virginica,\n var\"\n"
                + "7,8,9,setosa\n";
        Path file = Files.writeString(dir.resolve("iris.csv"), csv, StandardCharsets.UTF_8);
        Dataset d = new CsvReader().labelColumn("species").read(file);
        assertEquals(3, d.n());
        assertArrayEquals(new int[] {3}, d.featureShape());
        assertArrayEquals(new float[] {1.5f, 2f, -300f, 4f, 0.5f, 6f, 7f, 8f, 9f}, d.x());
        assertEquals(List.of("setosa", "virginica,\n var"), d.classNames());
        assertArrayEquals(new int[] {0, 1, 0}, d.classLabels());
    }

    @Test
    void labelColumnMayBeAnyColumnAndDefaultsToTheLast() {
        String csv = "y,a,b\n1,10,20\n0,11,21\n";
        Dataset byName = new CsvReader().labelColumn("y").read(new StringReader(csv), "t.csv");
        assertArrayEquals(new float[] {10, 20, 11, 21}, byName.x());
        assertArrayEquals(new int[] {1, 0}, byName.classLabels());
        Dataset byDefault = parse(csv);
        assertArrayEquals(new float[] {1, 10, 0, 11}, byDefault.x());
        assertArrayEquals(new int[] {0, 1}, byDefault.classLabels());
        assertEquals(List.of("20", "21"), byDefault.classNames(), "integer labels are classes named as written, sorted");
    }

    @Test
    void labelKinds() {
        Dataset regression = parse("x,price\n1,2.5\n2,3\n");
        assertFalse(regression.isClassification());
        assertArrayEquals(new float[] {2.5f, 3f}, regression.targets());

        Dataset signs = parse("x,y\n1,1\n2,-1\n3,1\n");
        assertEquals(List.of("-1", "1"), signs.classNames());
        assertArrayEquals(new int[] {1, 0, 1}, signs.classLabels());

        Dataset forcedTargets = new CsvReader().labelKind(CsvReader.LabelKind.TARGETS).read(new StringReader("x,y\n1,3\n2,5\n"), "t.csv");
        assertArrayEquals(new float[] {3, 5}, forcedTargets.targets());

        assertContains(error(new CsvReader().labelKind(CsvReader.LabelKind.CLASSES), "x,y\n1,3\n2,5.5\n"),
                "row 2 (line 3)", "column 'y'", "'5.5' is not an integer");
        assertContains(error(new CsvReader(), "x,y\n1,cat\n2,3\n3,dog\n"), "row 1 (line 2)", "column 'y'",
                "'cat' is not a number", "other cells in this column are numbers (row 2: 3)");
        assertContains(error(new CsvReader().labelKind(CsvReader.LabelKind.TARGETS), "x,y\n1,cat\n2,dog\n"),
                "row 1 (line 2)", "'cat' is not a number", "needs numeric targets");
    }

    @Test
    void noHeaderNamesColumnsByPosition() {
        Dataset d = new CsvReader().noHeader().read(new StringReader("1,2,0\n3,4,1\n"), "t.csv");
        assertEquals(2, d.n());
        assertArrayEquals(new float[] {1, 2, 3, 4}, d.x());
        assertContains(error(new CsvReader().noHeader(), "1,2,0\n3,x,1\n"), "row 2, column 'c2'");
        Dataset byName = new CsvReader().noHeader().labelColumn("c1").read(new StringReader("0,2,5\n1,4,6\n"), "t.csv");
        Dataset byNumber = new CsvReader().noHeader().labelColumn("1").read(new StringReader("0,2,5\n1,4,6\n"), "t.csv");
        assertArrayEquals(new float[] {2, 5, 4, 6}, byName.x());
        assertArrayEquals(byName.x(), byNumber.x());
        assertArrayEquals(new int[] {0, 1}, byNumber.classLabels());
    }

    @Test
    void cellErrorsNameFileRowAndColumn() {
        String header = "age,income,label\n";
        assertContains(error(new CsvReader(), header + "1,2,0\n3,abc,1\n"),
                "file t.csv, row 2 (line 3), column 'income': 'abc' is not a number");
        assertContains(error(new CsvReader(), header + "1,,0\n"), "row 1 (line 2), column 'income': empty cell");
        assertContains(error(new CsvReader(), header + "NaN,1,0\n"), "row 1 (line 2), column 'age': 'NaN' is not a finite number");
        assertContains(error(new CsvReader(), header + "1,-Inf,0\n"), "column 'income': '-Inf' is not a finite number");
        assertContains(error(new CsvReader(), header + "1e39,1,0\n"), "column 'age': '1e39' is too large");
        assertContains(error(new CsvReader(), header + "1,1,0\n1d,1,0\n"), "'1d' is not a number");
        assertContains(error(new CsvReader(), header + "1,2,\n"), "row 1 (line 2), column 'label': empty cell");
        assertContains(error(new CsvReader(), header + "1,2,nan\n"), "column 'label': 'nan' is not a finite number");
    }

    @Test
    void raggedRowNamesItsRowAndBothCounts() {
        StringBuilder csv = new StringBuilder("a,b,c,d,e,label\n");
        for (int i = 2; i <= 16; i++) {
            csv.append("1,2,3,4,5,0\n");
        }
        csv.append("1,2,3,4,5\n");
        assertContains(error(new CsvReader(), csv.toString()), "file t.csv: row 16 (line 17) has 5 cells, header has 6");
    }

    @Test
    void rowNumbersFollowTheLinesOfMultiLineRecords() {
        assertContains(error(new CsvReader(), "x,note,y\n1,\"two\nlines\",0\nzz,ok,0\n"), "row 2 (line 4), column 'x'");
        assertContains(error(new CsvReader(), "x,y\n1,0\n\n1,zz,0\n"), "row 2 (line 4) has 3 cells");
    }

    @Test
    void structuralErrors() {
        assertContains(error(new CsvReader(), ""), "file t.csv is empty (expected a header row)");
        assertContains(error(new CsvReader(), "\n\n"), "is empty");
        assertContains(error(new CsvReader(), "a,b,label\n"), "has a header but no data rows");
        assertContains(error(new CsvReader().labelColumn("price"), "a,b,label\n1,2,3\n"),
                "no label column 'price' (columns: a, b, label)");
        assertContains(error(new CsvReader(), "a,label\n\"1,2\n"), "row 2 has a quoted field that is never closed");
        assertContains(error(new CsvReader(), "label\n1\n"), "only the label column 'label'");
        assertContains(error(new CsvReader().labelColumn("a"), "a,a,y\n1,2,3\n"), "more than one column named 'a'");
    }

    @Test
    void integerLabelsWithFewValuesAreClassesAndOthersTargets() {
        StringBuilder many = new StringBuilder("x,price\n");
        for (int i = 0; i <= CsvSchema.MAX_INFERRED_CLASSES; i++) {
            many.append(i).append(',').append(1000 + 7 * i).append('\n');
        }
        Dataset prices = parse(many.toString());
        assertFalse(prices.isClassification(), "51 distinct integers are regression targets");
        StringBuilder few = new StringBuilder("x,grade\n");
        for (int i = 0; i < 60; i++) {
            few.append(i).append(',').append(i % CsvSchema.MAX_INFERRED_CLASSES).append('\n');
        }
        assertEquals(CsvSchema.MAX_INFERRED_CLASSES, parse(few.toString()).numClasses());
        Dataset forced = new CsvReader().labelKind(CsvReader.LabelKind.CLASSES).read(new StringReader(many.toString()), "t.csv");
        assertEquals(CsvSchema.MAX_INFERRED_CLASSES + 1, forced.numClasses());
        assertEquals(List.of("-1", "2", "10"), parse("x,y\n1,10\n2,-1\n3,2\n").classNames(), "sorted as numbers");
    }

    @Test
    void namesInAFeatureColumnAreOneHotCategoriesAndOtherDelimitersWork() {
        Dataset d = new CsvReader().delimiter(';').read(new StringReader("size;color;y\n1;red;0\n2;blue;1\n3;red;1\n"), "t.csv");
        assertArrayEquals(new int[] {3}, d.featureShape(), "size + one input per color (blue, red)");
        assertArrayEquals(new float[] {1, 0, 1, 2, 1, 0, 3, 0, 1}, d.x());
        Dataset tabs = new CsvReader().delimiter('\t').read(new StringReader("a\tb\n1\t0\n2\t1\n"), "t.csv");
        assertArrayEquals(new float[] {1, 2}, tabs.x());
    }

    @Test
    void gzippedFilesAndMissingFiles() throws IOException {
        Path gz = IdxFiles.write(dir.resolve("data.csv.gz"), IdxFiles.gzip("a,y\n1,0\n2,1\n".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(new float[] {1, 2}, new CsvReader().read(gz).x());
        Path none = dir.resolve("none.csv");
        assertContains(assertThrows(DataException.class, () -> new CsvReader().read(none)).getMessage(),
                none + " does not exist");
    }
}
