package io.myelin.data;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV text into records following RFC 4180: fields separated by a delimiter (a comma unless told
 * otherwise, e.g. a tab), records by LF or CRLF,
 * a field in double quotes may hold commas, line breaks and doubled quotes ({@code ""} for {@code "}).
 * Blank lines are skipped; a leading UTF-8 byte-order mark is dropped. Unquoted fields are kept as they
 * are (a stray quote inside one is taken literally).
 */
final class CsvRecords {
    /** One record; {@code line} is the 1-based line on which it starts, the row number users see in an editor. */
    record Row(int line, List<String> cells) {
    }

    private final Reader in;
    private final String source;
    private final char delimiter;
    private int line = 1;
    private int peeked = NONE;
    private boolean started;
    private static final int NONE = -2;

    CsvRecords(Reader in, String source) {
        this(in, source, ',');
    }

    CsvRecords(Reader in, String source, char delimiter) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new DataException("the CSV delimiter cannot be a quote or a line break");
        }
        this.in = in;
        this.source = source;
        this.delimiter = delimiter;
    }

    /** The next non-blank record, or null at the end of the input. */
    Row next() throws IOException {
        int c = read();
        while (c == '\n' || c == '\r') {
            endOfLine(c);
            c = read();
        }
        if (c == -1) {
            return null;
        }
        int startLine = line;
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean inQuotes = false;
        boolean cellQuoted = false;
        while (true) {
            if (inQuotes) {
                if (c == -1) {
                    throw new DataException("file " + source + ": row " + startLine
                            + " has a quoted field that is never closed");
                } else if (c == '"') {
                    if (peek() == '"') {
                        read();
                        cell.append('"');
                    } else {
                        inQuotes = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    cell.append((char) c);
                }
            } else if (c == delimiter) {
                cells.add(cell.toString());
                cell.setLength(0);
                cellQuoted = false;
            } else if (c == '\n' || c == '\r' || c == -1) {
                if (c != -1) {
                    endOfLine(c);
                }
                cells.add(cell.toString());
                return new Row(startLine, cells);
            } else if (c == '"' && cell.length() == 0 && !cellQuoted) {
                inQuotes = true;
                cellQuoted = true;
            } else {
                cell.append((char) c);
            }
            c = read();
        }
    }

    /** Counts a line break, swallowing the LF of a CRLF pair. */
    private void endOfLine(int c) throws IOException {
        if (c == '\r' && peek() == '\n') {
            read();
        }
        line++;
    }

    private int read() throws IOException {
        int c;
        if (peeked != NONE) {
            c = peeked;
            peeked = NONE;
        } else {
            c = in.read();
        }
        if (!started) {
            started = true;
            if (c == '\uFEFF') {
                return read();
            }
        }
        return c;
    }

    private int peek() throws IOException {
        if (peeked == NONE) {
            peeked = in.read();
        }
        return peeked;
    }
}
