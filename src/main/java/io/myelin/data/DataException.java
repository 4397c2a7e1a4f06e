package io.myelin.data;

/**
 * A user-facing data error (missing file, malformed cell, wrong magic number) with a one-line message that
 * names the file and, where it applies, the row and column.
 *
 * <pre>{@code
 * throw new DataException("file data.csv, row 17, column 'age': 'abc' is not a number");
 * }</pre>
 */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
