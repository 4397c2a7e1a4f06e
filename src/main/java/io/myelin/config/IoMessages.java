package io.myelin.config;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The cause of an I/O failure the way a user reads it, without Java class names: {@code no such file},
 * {@code permission denied}, {@code is a directory}, {@code not UTF-8 text}; and a value quoted in a message,
 * cut to {@value #QUOTE_LIMIT} characters.
 */
public final class IoMessages {
    /** The most characters of a user's value that a message quotes; longer ones end in "…". */
    public static final int QUOTE_LIMIT = 60;

    private IoMessages() {
    }

    /** The cause of {@code e}: {@code "no such file"}, {@code "permission denied"}, or the error's own message. */
    public static String cause(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "a part of the path is not a directory";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text (save the file as UTF-8)";
        }
        if (e instanceof EOFException) {
            return "the file ends early" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "read error" : m.replaceAll("\\b(java|javax|sun)\\.[\\w.$]+: ?", "");
    }

    /**
     * Why {@code file} cannot be read as a data file, or null when it is a readable regular file:
     * {@code "no such file or directory"}, {@code "is a directory"}, {@code "is not a regular file (a device,
     * pipe or socket)"}, {@code "is empty"}.
     */
    public static String notReadable(Path file) {
        if (!Files.exists(file)) {
            return "no such file or directory";
        }
        if (Files.isDirectory(file)) {
            return "is a directory";
        }
        if (!Files.isRegularFile(file)) {
            return "is not a regular file (a device, pipe or socket)";
        }
        if (!Files.isReadable(file)) {
            return "permission denied";
        }
        try {
            if (Files.size(file) == 0) {
                return "is empty";
            }
        } catch (IOException e) {
            return cause(e);
        }
        return null;
    }

    /** {@code value} as messages quote it: at most {@value #QUOTE_LIMIT} characters, then "…" and the length. */
    public static String quote(String value) {
        return quote(value, QUOTE_LIMIT);
    }

    /** {@code value} cut to {@code limit} characters, then "…" and its length (for lists of names, messages). */
    public static String quote(String value, int limit) {
        String cut = value.length() <= limit ? value
                : value.substring(0, limit) + "… (" + MemoryBudget.count(value.length()) + " characters)";
        return oneLine(cut);
    }

    /** Line breaks and other control characters as backslash escapes (n, r, t, or u and four hex digits): a message is one line. */
    public static String oneLine(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == (char) 0x2028 || c == (char) 0x2029) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
