package io.myelin.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a numeric CSV file (UTF-8, optionally gzipped, RFC-4180 quoting) into a {@link Dataset}: one label
 * column, chosen by name (default: the last column), and every other column a feature.
 *
 * <p>Rows are numbered as an editor shows them: the header is row 1, and a record's row is the line on
 * which it starts. Every feature cell must be a finite decimal number; an error names the file, row and
 * column.
 *
 * <p>Labels ({@link LabelKind#AUTO}):
 * <ul>
 *   <li>all integers {@code >= 0}: class indices as written, {@code numClasses = max + 1} (a class may have
 *       no sample, so a test file without class 7 still lines up with its training file);</li>
 *   <li>integers with a negative one (e.g. -1/+1): a sorted label encoding, smallest value is class 0,
 *       with the original values kept as {@link Dataset#classNames()};</li>
 *   <li>all non-numeric (e.g. "setosa"): a sorted (lexicographic) label encoding of the names;</li>
 *   <li>any non-integer number: regression targets {@code (n, 1)}.</li>
 * </ul>
 * More than {@value #MAX_AUTO_CLASSES} classes is refused in AUTO mode, since integer-valued prices or
 * counts are regression targets in disguise: choose {@link LabelKind#TARGETS} (or CLASSES) explicitly.
 *
 * <pre>{@code
 * Dataset d = new CsvReader().labelColumn("price").labelKind(CsvReader.LabelKind.TARGETS).read(Path.of("houses.csv"));
 * }</pre>
 */
public final class CsvReader {
    /** How the label column is interpreted. */
    public enum LabelKind {
        /** Classes or regression targets, decided by the values (see the class comment). */
        AUTO,
        /** Class labels: integers or names; a non-integer number is an error. */
        CLASSES,
        /** Regression targets: every label must be a finite number. */
        TARGETS
    }

    /** The most classes AUTO accepts. */
    public static final int MAX_AUTO_CLASSES = 1000;

    // A plain decimal number; Double.parseDouble alone would also take "1d", "0x1p3" and "Infinity".
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private final String labelColumn;
    private final boolean header;
    private final LabelKind labelKind;

    /** A reader for files with a header row whose last column is the label. */
    public CsvReader() {
        this(null, true, LabelKind.AUTO);
    }

    private CsvReader(String labelColumn, boolean header, LabelKind labelKind) {
        this.labelColumn = labelColumn;
        this.header = header;
        this.labelKind = labelKind;
    }

    /** Use the column with this header name as the label. */
    public CsvReader labelColumn(String name) {
        return new CsvReader(name, header, labelKind);
    }

    /** The file has no header: columns are named {@code column1 … columnN} and row 1 is data. */
    public CsvReader noHeader() {
        return new CsvReader(labelColumn, false, labelKind);
    }

    public CsvReader labelKind(LabelKind kind) {
        return new CsvReader(labelColumn, header, kind);
    }

    /** Reads {@code file}, gunzipping it if it starts with the gzip magic bytes. */
    public Dataset read(Path file) {
        try (InputStream in = Inputs.open(file)) {
            return read(new InputStreamReader(in, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e, e);
        }
    }

    /** Reads CSV text; {@code source} names it in error messages. The reader is not closed. */
    public Dataset read(Reader reader, String source) {
        try {
            return parse(new CsvRecords(reader, source), source);
        } catch (IOException e) {
            throw new DataException("cannot read " + source + ": " + e, e);
        }
    }

    private Dataset parse(CsvRecords records, String source) throws IOException {
        CsvRecords.Row first = records.next();
        if (first == null) {
            throw new DataException("file " + source + " is empty" + (header ? " (expected a header row)" : ""));
        }
        List<String> columns = header ? trimmed(first.cells()) : generatedNames(first.cells().size());
        int label = labelIndex(columns, source);
        if (columns.size() < 2) {
            throw new DataException("file " + source + " has only the label column '" + columns.get(label)
                    + "'; at least one feature column is needed");
        }
        int features = columns.size() - 1;
        FloatColumns x = new FloatColumns(features);
        List<String> labels = new ArrayList<>();
        List<Integer> labelRows = new ArrayList<>();
        float[] rowValues = new float[features];
        for (CsvRecords.Row row = header ? records.next() : first; row != null; row = records.next()) {
            List<String> cells = row.cells();
            if (cells.size() != columns.size()) {
                throw new DataException("file " + source + ": row " + row.line() + " has " + cells.size()
                        + " cells, " + (header ? "header has " : "row " + first.line() + " has ") + columns.size());
            }
            int f = 0;
            for (int c = 0; c < cells.size(); c++) {
                if (c == label) {
                    labels.add(cells.get(c).trim());
                    labelRows.add(row.line());
                } else {
                    rowValues[f++] = number(cells.get(c), source, row.line(), columns.get(c));
                }
            }
            x.add(rowValues);
        }
        if (labels.isEmpty()) {
            throw new DataException("file " + source + " has a header but no data rows");
        }
        return dataset(x.toArray(), features, labels, labelRows, source, columns.get(label));
    }

    private static List<String> trimmed(List<String> cells) {
        List<String> out = new ArrayList<>(cells.size());
        for (String c : cells) {
            out.add(c.trim());
        }
        return out;
    }

    private static List<String> generatedNames(int count) {
        List<String> out = new ArrayList<>(count);
        for (int c = 1; c <= count; c++) {
            out.add("column" + c);
        }
        return out;
    }

    private int labelIndex(List<String> columns, String source) {
        if (labelColumn == null) {
            return columns.size() - 1;
        }
        int index = columns.indexOf(labelColumn);
        if (index < 0) {
            throw new DataException("file " + source + " has no column '" + labelColumn + "' (columns: "
                    + String.join(", ", columns) + ")");
        }
        if (columns.lastIndexOf(labelColumn) != index) {
            throw new DataException("file " + source + " has more than one column named '" + labelColumn + "'");
        }
        return index;
    }

    /** Parses a feature or target cell; anything but a finite decimal number is an error naming the cell. */
    private static float number(String cell, String source, int row, String column) {
        String s = cell.trim();
        String where = "file " + source + ", row " + row + ", column '" + column + "': ";
        if (s.isEmpty()) {
            throw new DataException(where + "empty cell");
        }
        if (NON_FINITE.matcher(s).matches()) {
            throw new DataException(where + "'" + s + "' is not a finite number");
        }
        if (!DECIMAL.matcher(s).matches()) {
            throw new DataException(where + "'" + s + "' is not a number");
        }
        float v = (float) Double.parseDouble(s);
        if (Float.isInfinite(v)) {
            throw new DataException(where + "'" + s + "' is too large for a 32-bit float");
        }
        return v;
    }

    private Dataset dataset(float[] x, int features, List<String> labels, List<Integer> rows, String source,
                            String column) {
        int[] shape = {features};
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).isEmpty()) {
                throw new DataException("file " + source + ", row " + rows.get(i) + ", column '" + column
                        + "': empty cell");
            }
        }
        if (labelKind != LabelKind.TARGETS && firstNumeric(labels) < 0) {
            return namedClasses(x, shape, labels, source, rows, column);
        }
        double[] values = new double[labels.size()];
        boolean integers = true;
        for (int i = 0; i < values.length; i++) {
            String s = labels.get(i);
            if (labelKind != LabelKind.TARGETS && !DECIMAL.matcher(s).matches()
                    && !NON_FINITE.matcher(s).matches()) {
                throw new DataException("file " + source + ", row " + rows.get(i) + ", column '" + column + "': '"
                        + s + "' is not a number, but other labels in this column are numbers");
            }
            values[i] = number(s, source, rows.get(i), column);
            integers &= values[i] == Math.rint(values[i]) && Math.abs(values[i]) < 1 << 30;
        }
        if (labelKind == LabelKind.TARGETS || (labelKind == LabelKind.AUTO && !integers)) {
            float[] targets = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                targets[i] = (float) values[i];
            }
            return Dataset.regression(x, shape, targets, 1);
        }
        if (!integers) {
            int bad = 0;
            while (values[bad] == Math.rint(values[bad])) {
                bad++;
            }
            throw new DataException("file " + source + ", row " + rows.get(bad) + ", column '" + column + "': "
                    + "class label '" + labels.get(bad) + "' is not an integer");
        }
        return integerClasses(x, shape, values, source, column);
    }

    private static int firstNumeric(List<String> labels) {
        for (int i = 0; i < labels.size(); i++) {
            String s = labels.get(i);
            if (DECIMAL.matcher(s).matches() || NON_FINITE.matcher(s).matches()) {
                return i;
            }
        }
        return -1;
    }

    private Dataset integerClasses(float[] x, int[] shape, double[] values, String source, String column) {
        double min = Arrays.stream(values).min().orElseThrow();
        double max = Arrays.stream(values).max().orElseThrow();
        int[] classes = new int[values.length];
        if (min >= 0) {
            if (labelKind == LabelKind.AUTO && max + 1 > MAX_AUTO_CLASSES) {
                throw new DataException("file " + source + ": label column '" + column + "' holds integers up to "
                        + (long) max + ", too many classes for classification; read it as regression targets "
                        + "(LabelKind.TARGETS) or as classes explicitly (LabelKind.CLASSES)");
            }
            for (int i = 0; i < values.length; i++) {
                classes[i] = (int) values[i];
            }
            return Dataset.classification(x, shape, classes, (int) max + 1);
        }
        TreeSet<Double> distinct = new TreeSet<>();
        for (double v : values) {
            distinct.add(v);
        }
        List<Double> sorted = new ArrayList<>(distinct);
        List<String> names = new ArrayList<>();
        for (double v : sorted) {
            names.add(Long.toString((long) v));
        }
        for (int i = 0; i < values.length; i++) {
            classes[i] = sorted.indexOf(values[i]);
        }
        return Dataset.classification(x, shape, classes, names);
    }

    private Dataset namedClasses(float[] x, int[] shape, List<String> labels, String source, List<Integer> rows,
                                 String column) {
        List<String> names = new ArrayList<>(new TreeSet<>(labels));
        int[] classes = new int[labels.size()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = Collections.binarySearch(names, labels.get(i));
        }
        if (labelKind == LabelKind.AUTO && names.size() > MAX_AUTO_CLASSES) {
            throw new DataException("file " + source + ": label column '" + column + "' has " + names.size()
                    + " distinct names, too many classes (first at row " + rows.get(0)
                    + "); choose LabelKind.CLASSES explicitly if that is intended");
        }
        return Dataset.classification(x, shape, classes, names);
    }

    /** A growable row-major float matrix with a fixed number of columns. */
    private static final class FloatColumns {
        private final int cols;
        private float[] data;
        private int size;

        FloatColumns(int cols) {
            this.cols = cols;
            this.data = new float[cols * 64];
        }

        void add(float[] row) {
            if (size + cols > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + cols));
            }
            System.arraycopy(row, 0, data, size, cols);
            size += cols;
        }

        float[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
