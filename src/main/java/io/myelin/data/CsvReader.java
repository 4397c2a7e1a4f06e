package io.myelin.data;

import java.io.Reader;
import java.nio.file.Path;

/**
 * Reads a CSV file (UTF-8, optionally gzipped, RFC-4180 quoting) into a {@link Dataset}: one label column,
 * chosen by name (default: the last column), and every other column a feature: a numeric column as it is, a
 * column of names one-hot encoded. A shortcut for {@link CsvTable#read} then {@link CsvSchema#fit} and
 * {@link CsvSchema#encode} on the same file; keep the schema (as {@code myelin train} does) to read other
 * files the same way.
 *
 * <p>Rows are the data records counted from 1, and errors name the line too: {@code file data.csv, row 2
 * (line 3), column 'age': 'abc' is not a number}. Every cell of a numeric column must be a finite decimal
 * number.
 *
 * <p>Labels ({@link LabelKind#AUTO}): names, or integers with at most {@value CsvSchema#MAX_INFERRED_CLASSES}
 * distinct values, are classes (sorted: numerically for integers, as text for names, kept as
 * {@link Dataset#classNames()}); other numbers are regression targets {@code (n, 1)}.
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
        TARGETS;

        /** The task this kind chooses; null for AUTO. */
        Task task() {
            return this == AUTO ? null : this == CLASSES ? Task.CLASSIFICATION : Task.REGRESSION;
        }
    }

    private final String labelColumn;
    private final CsvTable.Format format;
    private final LabelKind labelKind;

    /** A reader for comma-separated files with a header row whose last column is the label. */
    public CsvReader() {
        this(null, CsvTable.Format.DEFAULT, LabelKind.AUTO);
    }

    private CsvReader(String labelColumn, CsvTable.Format format, LabelKind labelKind) {
        this.labelColumn = labelColumn;
        this.format = format;
        this.labelKind = labelKind;
    }

    /** Use the column with this header name as the label (without a header: {@code c3} or {@code 3}). */
    public CsvReader labelColumn(String name) {
        return new CsvReader(name, format, labelKind);
    }

    /** The file has no header: columns are named {@code c1 … cN} and row 1 is data. */
    public CsvReader noHeader() {
        return new CsvReader(labelColumn, new CsvTable.Format(false, format.delimiter()), labelKind);
    }

    /** Fields are separated by {@code delimiter} instead of a comma (e.g. a tab). */
    public CsvReader delimiter(char delimiter) {
        return new CsvReader(labelColumn, new CsvTable.Format(format.header(), delimiter), labelKind);
    }

    public CsvReader labelKind(LabelKind kind) {
        return new CsvReader(labelColumn, format, kind);
    }

    /** Reads {@code file}, gunzipping it if it starts with the gzip magic bytes. */
    public Dataset read(Path file) {
        return dataset(CsvTable.read(file, format));
    }

    /** Reads CSV text; {@code source} names it in error messages. The reader is not closed. */
    public Dataset read(Reader reader, String source) {
        return dataset(CsvTable.read(reader, source, format));
    }

    private Dataset dataset(CsvTable table) {
        return CsvSchema.fit(table, labelColumn, labelKind.task()).encode(table, null, true).dataset();
    }
}
