package io.myelin.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gzip reader: members, checks, and bytes after the data refused by offset. */
class StrictGzipTest {
    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] read(byte[] gz) throws IOException {
        try (InputStream in = Inputs.maybeGunzip(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void readsOneMemberAndConcatenatedMembers() throws IOException {
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 % 251);
        }
        assertArrayEquals(data, read(gzip(data)));
        assertArrayEquals(concat(data, "tail".getBytes()), read(concat(gzip(data), gzip("tail".getBytes()))));
    }

    @Test
    void refusesTrailingBytesTruncationAndCorruption() throws IOException {
        byte[] gz = gzip("hello".getBytes());
        IOException trailing = assertThrows(IOException.class, () -> read(concat(gz, "junk!".getBytes())));
        assertEquals("5 bytes after the end of the gzip data at offset " + gz.length, trailing.getMessage());
        assertThrows(EOFException.class, () -> read(java.util.Arrays.copyOf(gz, gz.length - 3)));
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 1;
        assertTrue(assertThrows(IOException.class, () -> read(badCrc)).getMessage().contains("checksum mismatch"));
    }
}
