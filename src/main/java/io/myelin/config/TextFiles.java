package io.myelin.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a small text file (a model spec, a run's JSON files) that must be UTF-8: a UTF-8 byte-order mark is
 * skipped; UTF-16 or UTF-32 text (by its byte-order mark or its zero bytes), bytes that are not UTF-8, a file
 * larger than the limit, a directory or a device are refused with a {@link ConfigException} naming the file
 * and, for bad bytes, their offset:
 * {@code spec.json is UTF-16 text (it starts with the byte-order mark ff fe); save it as UTF-8}.
 */
public final class TextFiles {
    /** The largest text file read: specs and run files are kilobytes; this is far above any real one. */
    public static final long MAX_BYTES = 64L << 20;

    private TextFiles() {
    }

    /** The text of {@code file}; {@code what} names it in messages ("model spec"). */
    public static String readUtf8(Path file, String what) {
        String why = IoMessages.notReadable(file);
        if (why != null && !why.equals("is empty")) {
            throw new ConfigException(what + " " + file + ": " + why);
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ConfigException(what + " " + file + " has " + MemoryBudget.count(size) + " bytes; at most "
                        + MemoryBudget.count(MAX_BYTES) + " are read");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + what + " " + file + ": " + IoMessages.cause(e));
        }
        return decode(bytes, what + " " + file);
    }

    /** UTF-8 bytes as text, refused as described above; {@code source} names them in messages. */
    public static String decode(byte[] b, String source) {
        int start = 0;
        if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
            start = 3;
        } else if (b.length >= 2 && ((b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe
                || (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff)) {
            throw new ConfigException(source + " is UTF-16 text (it starts with the byte-order mark "
                    + String.format(Locale.ROOT, "%02x %02x", b[0] & 0xff, b[1] & 0xff) + "); save it as UTF-8");
        } else if (b.length >= 2 && (b[0] == 0 || b[1] == 0)) {
            throw new ConfigException(source + " looks like UTF-16 or UTF-32 text (a zero byte at offset "
                    + (b[0] == 0 ? 0 : 1) + "); save it as UTF-8");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, start, b.length - start);
        CharBuffer out = CharBuffer.allocate(b.length - start);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            throw new ConfigException(source + " is not UTF-8 text: byte "
                    + String.format(Locale.ROOT, "0x%02x", b[at] & 0xff) + " at offset " + at + " is not valid UTF-8"
                    + "; save the file as UTF-8");
        }
        out.flip();
        return out.toString();
    }
}
