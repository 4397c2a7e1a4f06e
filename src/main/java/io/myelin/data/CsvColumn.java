package io.myelin.data;

import io.myelin.config.IoMessages;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One column of a {@link CsvTable}: either numbers ({@link #values()}) or names ({@link #codes()} into
 * {@link #dictionary()}, in the order the names first appear). Cells are trimmed.
 */
public final class CsvColumn {
    // A plain decimal number; Double.parseDouble alone would also take "1d", "0x1p3" and "Infinity".
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private final String name;
    private final float[] values;
    private final int[] codes;
    private final List<String> dictionary;

    private CsvColumn(String name, float[] values, int[] codes, List<String> dictionary) {
        this.name = name;
        this.values = values;
        this.codes = codes;
        this.dictionary = dictionary;
    }

    public String name() {
        return name;
    }

    /** True for a column of numbers, false for a column of names. */
    public boolean numeric() {
        return values != null;
    }

    /** The numbers, one per row (shared, do not modify); only for a numeric column. */
    public float[] values() {
        if (values == null) {
            throw new IllegalStateException("column '" + IoMessages.quote(name) + "' holds names, not numbers");
        }
        return values;
    }

    /** Per row, the index of its name in {@link #dictionary()} (shared, do not modify); only for a column of names. */
    public int[] codes() {
        if (codes == null) {
            throw new IllegalStateException("column '" + IoMessages.quote(name) + "' holds numbers, not names");
        }
        return codes;
    }

    /** The distinct names in the order they first appear; only for a column of names. */
    public List<String> dictionary() {
        if (dictionary == null) {
            throw new IllegalStateException("column '" + IoMessages.quote(name) + "' holds numbers, not names");
        }
        return dictionary;
    }

    /** Row {@code row}'s cell (from 1) as text: the name, or the number as an integer when it is one. */
    public String text(int row) {
        if (values == null) {
            return dictionary.get(codes[row - 1]);
        }
        return numberText(values[row - 1]);
    }

    /** An integer as an integer ({@code 7}, not {@code 7.0}), any other number as Java writes a float. */
    static String numberText(float v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9f ? Long.toString((long) v) : Float.toString(v);
    }

    /** True when the text is a number (finite or not) as a numeric cell would be written. */
    static boolean looksNumeric(String s) {
        return DECIMAL.matcher(s).matches() || NON_FINITE.matcher(s).matches();
    }

    /** Collects one column's cells while a file is read. */
    static final class Builder {
        private final String name;
        private float[] values;
        private int[] codes;
        private final Map<String, Integer> index = new HashMap<>();
        private final List<String> dictionary = new ArrayList<>();
        private int size;
        private int firstNumberRow;
        private int firstNameRow;

        Builder(String name) {
            this.name = name;
        }

        void add(String cell, String source, int row, int line) {
            String s = cell.trim();
            String where = "file " + source + ", " + CsvTable.rowAt(row, line) + ", column '" + IoMessages.quote(name) + "': ";
            if (s.isEmpty()) {
                throw new DataException(where + "empty cell");
            }
            if (looksNumeric(s)) {
                if (NON_FINITE.matcher(s).matches()) {
                    throw new DataException(where + "'" + IoMessages.quote(s) + "' is not a finite number");
                }
                float v = (float) Double.parseDouble(s);
                if (Float.isInfinite(v)) {
                    throw new DataException(where + "'" + IoMessages.quote(s) + "' is too large for a 32-bit float");
                }
                values = grow(values, Float.NaN);
                values[size] = v;
                if (firstNumberRow == 0) {
                    firstNumberRow = row;
                }
            } else {
                codes = grow(codes, -1);
                Integer code = index.get(s);
                if (code == null) {
                    code = dictionary.size();
                    index.put(s, code);
                    dictionary.add(s);
                }
                codes[size] = code;
                if (firstNameRow == 0) {
                    firstNameRow = row;
                }
            }
            size++;
        }

        private float[] grow(float[] a, float fill) {
            if (a == null) {
                a = new float[Math.max(64, size * 2)];
                Arrays.fill(a, 0, size, fill);
            } else if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            return a;
        }

        private int[] grow(int[] a, int fill) {
            if (a == null) {
                a = new int[Math.max(64, size * 2)];
                Arrays.fill(a, 0, size, fill);
            } else if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            return a;
        }

        CsvColumn build(String source, int[] lines) {
            if (values != null && codes != null) {
                int row = firstNameRow;
                throw new DataException("file " + source + ", " + CsvTable.rowAt(row, lines[row - 1]) + ", column '"
                        + IoMessages.quote(name) + "': '" + IoMessages.quote(dictionary.get(codes[row - 1])) + "' is not a number, but other cells in this "
                        + "column are numbers (row " + firstNumberRow + ": " + numberText(values[firstNumberRow - 1]) + ")");
            }
            if (values != null) {
                return new CsvColumn(name, Arrays.copyOf(values, size), null, null);
            }
            return new CsvColumn(name, null, Arrays.copyOf(codes, size), List.copyOf(dictionary));
        }
    }
}
