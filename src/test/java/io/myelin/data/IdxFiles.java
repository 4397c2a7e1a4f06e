package io.myelin.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes tiny IDX files for tests: a big-endian magic, dimensions and unsigned-byte data. */
final class IdxFiles {
    private IdxFiles() {
    }

    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big-endian by default
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** Images {@code count x 2 x 3} with pixel (i, k) = 40 * i + k, and labels {@code i % 3}. */
    static void writeSet(Path dir, String images, String labels, int count, boolean gz) throws IOException {
        byte[] pixels = new byte[count * 6];
        byte[] labelBytes = new byte[count];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < 6; k++) {
                pixels[i * 6 + k] = (byte) (40 * i + k);
            }
            labelBytes[i] = (byte) (i % 3);
        }
        byte[] img = idx(IdxReader.MAGIC_IMAGES, new int[] {count, 2, 3}, pixels);
        byte[] lab = idx(IdxReader.MAGIC_LABELS, new int[] {count}, labelBytes);
        write(dir.resolve(images + (gz ? ".gz" : "")), gz ? gzip(img) : img);
        write(dir.resolve(labels + (gz ? ".gz" : "")), gz ? gzip(lab) : lab);
    }

    /** The four MNIST-style files: 7 training and 4 test samples, training gzipped, test plain. */
    static void writeDirectory(Path dir) throws IOException {
        writeSet(dir, IdxDirectory.TRAIN_IMAGES, IdxDirectory.TRAIN_LABELS, 7, true);
        writeSet(dir, IdxDirectory.TEST_IMAGES, IdxDirectory.TEST_LABELS, 4, false);
    }
}
