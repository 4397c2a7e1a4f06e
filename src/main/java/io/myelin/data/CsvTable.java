package io.myelin.data;

import io.myelin.config.IoMessages;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cells of a CSV file (UTF-8, optionally gzipped, RFC-4180 quoting), column by column, before any column
 * is given a role: a {@link CsvSchema} decides which column is the label and how every other becomes
 * features.
 *
 * <p>Rows are the file's data records counted from 1 (the header is not a row); each also keeps the line on
 * which it starts, so an error names both: {@code file data.csv, row 3 (line 4), column 'age'}. A column
 * holds numbers or names: if any of its cells is a number, every cell must be a finite decimal number (an
 * error names the first that is not); otherwise it is a column of names (categories or class labels). An
 * empty cell is an error.
 *
 * <pre>{@code
 * CsvTable t = CsvTable.read(Path.of("houses.csv"), CsvTable.Format.DEFAULT);
 * }</pre>
 */
public final class CsvTable {
    /** How the text is laid out: whether the first record is a header, and the field delimiter. */
    public record Format(boolean header, char delimiter) {
        /** A header row and commas. */
        public static final Format DEFAULT = new Format(true, ',');

        /** Columns of a file without a header are named {@code c1 … cN}. */
        public static String generatedName(int oneBasedIndex) {
            return "c" + oneBasedIndex;
        }
    }

    private final String source;
    private final Format format;
    private final List<String> names;
    private final int[] lines;
    private final List<CsvColumn> columns;

    private CsvTable(String source, Format format, List<String> names, int[] lines, List<CsvColumn> columns) {
        this.source = source;
        this.format = format;
        this.names = List.copyOf(names);
        this.lines = lines;
        this.columns = List.copyOf(columns);
    }

    /** Reads {@code file}, gunzipping it if it starts with the gzip magic bytes. */
    public static CsvTable read(Path file, Format format) {
        try (InputStream in = Inputs.open(file)) {
            return read(new InputStreamReader(in, StandardCharsets.UTF_8), file.toString(), format);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + IoMessages.cause(e), e);
        }
    }

    /** Reads a stream (e.g. standard input), gunzipping it if it starts with the gzip magic bytes; not closed. */
    public static CsvTable read(InputStream in, String source, Format format) {
        try {
            return read(new InputStreamReader(Inputs.maybeGunzip(in), StandardCharsets.UTF_8), source, format);
        } catch (IOException e) {
            throw new DataException("cannot read " + source + ": " + IoMessages.cause(e), e);
        }
    }

    /** Reads CSV text; {@code source} names it in error messages. The reader is not closed. */
    public static CsvTable read(Reader reader, String source, Format format) {
        try {
            return parse(new CsvRecords(reader, source, format.delimiter()), source, format);
        } catch (IOException e) {
            throw new DataException("cannot read " + source + ": " + IoMessages.cause(e), e);
        }
    }

    private static CsvTable parse(CsvRecords records, String source, Format format) throws IOException {
        CsvRecords.Row first = records.next();
        if (first == null) {
            throw new DataException("file " + source + " is empty" + (format.header() ? " (expected a header row)" : ""));
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < first.cells().size(); c++) {
            names.add(format.header() ? first.cells().get(c).trim() : Format.generatedName(c + 1));
        }
        List<CsvColumn.Builder> builders = new ArrayList<>();
        for (String name : names) {
            builders.add(new CsvColumn.Builder(name));
        }
        int[] lines = new int[64];
        int n = 0;
        for (CsvRecords.Row row = format.header() ? records.next() : first; row != null; row = records.next()) {
            List<String> cells = row.cells();
            int rowNumber = n + 1;
            if (cells.size() != names.size()) {
                throw new DataException("file " + source + ": " + rowAt(rowNumber, row.line()) + " has " + cells.size()
                        + " cells, " + (format.header() ? "header has " : "row 1 has ") + names.size());
            }
            for (int c = 0; c < cells.size(); c++) {
                builders.get(c).add(cells.get(c), source, rowNumber, row.line());
            }
            if (n == lines.length) {
                lines = Arrays.copyOf(lines, n * 2);
            }
            lines[n++] = row.line();
        }
        if (n == 0) {
            throw new DataException("file " + source + " has a header but no data rows");
        }
        int[] rowLines = Arrays.copyOf(lines, n);
        List<CsvColumn> columns = new ArrayList<>();
        for (CsvColumn.Builder b : builders) {
            columns.add(b.build(source, rowLines));
        }
        return new CsvTable(source, format, names, rowLines, columns);
    }

    /** {@code row 3 (line 4)}, or {@code row 3} when the row starts on line 3. */
    public static String rowAt(int row, int line) {
        return row == line ? "row " + row : "row " + row + " (line " + line + ")";
    }

    /** {@code file data.csv, row 3 (line 4), column 'age': }, the prefix of an error about one cell. */
    public String where(int row, String column) {
        return "file " + source + ", " + rowAt(row, lines[row - 1]) + ", column '" + IoMessages.quote(column) + "': ";
    }

    /** The file name or description used in error messages. */
    public String source() {
        return source;
    }

    public Format format() {
        return format;
    }

    /** Column names: the header's cells (trimmed), or {@code c1 … cN} without a header. */
    public List<String> names() {
        return names;
    }

    /** Data rows. */
    public int rows() {
        return lines.length;
    }

    /** The line on which row {@code row} (from 1) starts. */
    public int line(int row) {
        return lines[row - 1];
    }

    public CsvColumn column(int index) {
        return columns.get(index);
    }

    /** The column named {@code name}; -1 if there is none; an error if two columns share the name. */
    public int indexOf(String name) {
        int index = names.indexOf(name);
        if (index >= 0 && names.lastIndexOf(name) != index) {
            throw new DataException("file " + source + " has more than one column named '" + IoMessages.quote(name) + "'");
        }
        return index;
    }
}
