package io.myelin.data;

import io.myelin.config.IoMessages;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens data files, gunzipping them when they start with the gzip magic bytes {@code 1f 8b}; bytes after the
 * gzip data are refused ({@link StrictGzipInputStream}).
 */
final class Inputs {
    private Inputs() {
    }

    /** A buffered stream over the file's (decompressed) content; a missing file is a {@link DataException}. */
    static InputStream open(Path file) {
        try {
            return maybeGunzip(Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new DataException("file " + file + " does not exist");
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + IoMessages.cause(e), e);
        }
    }

    /** Wraps {@code raw} in a gunzipping stream when its first two bytes are {@code 1f 8b}. */
    static InputStream maybeGunzip(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        // Detect by content, not by the ".gz" suffix: renamed or decompressed-in-place files are common.
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new StrictGzipInputStream(in), 1 << 16);
        }
        return in;
    }
}
