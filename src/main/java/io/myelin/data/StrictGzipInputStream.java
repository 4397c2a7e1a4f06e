package io.myelin.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A gzip reader (RFC 1952) that, unlike {@code GZIPInputStream}, refuses bytes after the last member instead
 * of ignoring them, and checks every member's CRC-32 and length. Concatenated members (what {@code cat a.gz
 * b.gz} makes) are read as one stream, as gzip does. Problems are {@link IOException}s whose messages name
 * the byte offset and no Java class: {@code 8 bytes after the end of the gzip data at offset 1234},
 * {@code invalid compressed data at offset 80: invalid block type}; a cut-off stream is an
 * {@link EOFException}.
 */
final class StrictGzipInputStream extends InputStream {
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final InputStream raw;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    /** Bytes of {@code raw} read before {@code buf[0]}. */
    private long base;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private long memberBytes;
    private boolean done;

    /** Reads the first member's header from {@code raw} (which starts with {@code 1f 8b}). */
    StrictGzipInputStream(InputStream raw) throws IOException {
        this.raw = raw;
        readHeader();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
        if (n == 0) {
            return 0;
        }
        while (!done) {
            if (inflater.needsInput()) {
                if (pos == len && !fill()) {
                    throw new EOFException("the gzip data is cut off at offset " + offset());
                }
                inflater.setInput(buf, pos, len - pos);
                pos = len;
            }
            int got;
            try {
                got = inflater.inflate(b, off, n);
            } catch (DataFormatException e) {
                throw new IOException("invalid compressed data near offset " + offset()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            if (got > 0) {
                crc.update(b, off, got);
                memberBytes += got;
            }
            if (inflater.finished()) {
                pos = len - inflater.getRemaining();
                endMember();
            } else if (got == 0 && inflater.needsDictionary()) {
                throw new IOException("invalid compressed data near offset " + offset() + ": needs a preset dictionary");
            }
            if (got > 0) {
                return got;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        raw.close();
    }

    private long offset() {
        return base + pos;
    }

    /** Checks the member's trailer; then another member follows, or nothing may. */
    private void endMember() throws IOException {
        long at = offset();
        long wantCrc = readLe(4);
        long wantSize = readLe(4);
        if (wantCrc != crc.getValue()) {
            throw new IOException("gzip checksum mismatch in the member ending at offset " + at + " (the data is corrupt)");
        }
        if (wantSize != (memberBytes & 0xffffffffL)) {
            throw new IOException("gzip length mismatch in the member ending at offset " + at + " (the data is corrupt)");
        }
        long next = offset();
        int b = peek();
        if (b < 0) {
            done = true;
            return;
        }
        if (b != 0x1f) {
            throw new IOException(trailing(next) + " after the end of the gzip data at offset " + next);
        }
        inflater.reset();
        crc.reset();
        memberBytes = 0;
        readHeader();
    }

    /** "N bytes" for what is left of the stream from {@code at} (counted up to a limit). */
    private String trailing(long at) throws IOException {
        long n = len - pos;
        pos = len;
        long more = raw.skip(1L << 40);
        while (more > 0) {
            n += more;
            more = raw.skip(1L << 40);
        }
        return n + (n == 1 ? " byte" : " bytes");
    }

    private void readHeader() throws IOException {
        long at = offset();
        if (u8() != 0x1f || u8() != 0x8b) {
            throw new IOException("bytes after the end of the gzip data at offset " + at + " are not another gzip member");
        }
        int method = u8();
        if (method != 8) {
            throw new IOException("unknown gzip compression method " + method + " at offset " + (at + 2));
        }
        int flags = u8();
        for (int i = 0; i < 6; i++) {
            u8();  // mtime, extra flags, OS
        }
        if ((flags & FEXTRA) != 0) {
            long xlen = readLe(2);
            for (long i = 0; i < xlen; i++) {
                u8();
            }
        }
        if ((flags & FNAME) != 0) {
            while (u8() != 0) {
                // the original file name, zero-terminated
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (u8() != 0) {
                // a comment, zero-terminated
            }
        }
        if ((flags & FHCRC) != 0) {
            readLe(2);
        }
    }

    private long readLe(int bytes) throws IOException {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) u8() << (8 * i);
        }
        return v;
    }

    private int u8() throws IOException {
        if (pos == len && !fill()) {
            throw new EOFException("the gzip data is cut off at offset " + offset());
        }
        return buf[pos++] & 0xff;
    }

    private int peek() throws IOException {
        if (pos == len && !fill()) {
            return -1;
        }
        return buf[pos] & 0xff;
    }

    /** Refills {@code buf} (which is fully consumed); false at the end of {@code raw}. */
    private boolean fill() throws IOException {
        base += len;
        pos = 0;
        len = 0;
        int n = raw.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        len = n;
        return true;
    }
}
