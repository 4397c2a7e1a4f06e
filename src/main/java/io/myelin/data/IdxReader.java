package io.myelin.data;

import io.myelin.config.IoMessages;
import io.myelin.config.MemoryBudget;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian magic number {@code 0x0000TTDD}
 * (type {@code TT = 08} for unsigned bytes, {@code DD} dimensions), one big-endian int32 per dimension,
 * then the data. Files may be gzipped (detected by the magic bytes {@code 1f 8b}, not the file name).
 *
 * <p>Pixels are returned as raw {@code 0..255} floats; scaling is the job of a {@link Normalizer}.
 *
 * <pre>{@code
 * Dataset train = IdxReader.read(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"), 10);
 * }</pre>
 */
public final class IdxReader {
    /** Magic number of an unsigned-byte, 3-dimensional file (images: count, rows, cols). */
    public static final int MAGIC_IMAGES = 0x00000803;
    /** Magic number of an unsigned-byte, 1-dimensional file (labels: count). */
    public static final int MAGIC_LABELS = 0x00000801;

    /**
     * Images from an IDX file: {@code pixels} is {@code (count, rows * cols)} row-major, values 0..255.
     *
     * <pre>{@code
     * IdxReader.IdxImages img = IdxReader.readImages(path); int features = img.rows() * img.cols();
     * }</pre>
     */
    public record IdxImages(int count, int rows, int cols, float[] pixels) {
    }

    private IdxReader() {
    }

    /** Reads an images file (magic {@code 0x00000803}). */
    public static IdxImages readImages(Path file) {
        Raw raw = readRaw(file, MAGIC_IMAGES, "IDX unsigned-byte images");
        float[] pixels = new float[raw.data.length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = raw.data[i] & 0xff;
        }
        return new IdxImages(raw.dims[0], raw.dims[1], raw.dims[2], pixels);
    }

    /** Reads a labels file (magic {@code 0x00000801}); labels are 0..255. */
    public static int[] readLabels(Path file) {
        Raw raw = readRaw(file, MAGIC_LABELS, "IDX unsigned-byte labels");
        int[] labels = new int[raw.data.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = raw.data[i] & 0xff;
        }
        return labels;
    }

    /**
     * A classification dataset with feature shape {@code [rows, cols]} from an images file and a labels file
     * of the same count; every label must be below {@code numClasses}.
     */
    public static Dataset read(Path imagesFile, Path labelsFile, int numClasses) {
        return dataset(readImages(imagesFile), imagesFile, readLabels(labelsFile), labelsFile, numClasses);
    }

    /** Pairs images already read with their labels; the files are named in error messages. */
    static Dataset dataset(IdxImages images, Path imagesFile, int[] labels, Path labelsFile, int numClasses) {
        if (labels.length != images.count()) {
            throw new DataException("images file " + imagesFile + " has " + images.count()
                    + " images but labels file " + labelsFile + " has " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= numClasses) {
                throw new DataException("labels file " + labelsFile + ": label " + labels[i] + " at index " + i
                        + " is outside 0.." + (numClasses - 1));
            }
        }
        return Dataset.classification(images.pixels(), new int[] {images.rows(), images.cols()}, labels, numClasses);
    }

    private record Raw(int[] dims, byte[] data) {
    }

    private static Raw readRaw(Path file, int expectedMagic, String kind) {
        try (InputStream in = Inputs.open(file)) {
            int magic = readInt(in, file, 4);
            if (magic != expectedMagic) {
                throw new DataException(String.format("file %s has magic number 0x%08x, expected 0x%08x (%s)",
                        file, magic, expectedMagic, kind));
            }
            int ndim = magic & 0xff;
            int headerBytes = 4 + 4 * ndim;
            int[] dims = new int[ndim];
            long total = 1;
            for (int d = 0; d < ndim; d++) {
                dims[d] = readInt(in, file, headerBytes);
                // IDX sizes are unsigned, but anything past 2^31 cannot be a real file of this kind.
                if (dims[d] < 0) {
                    throw new DataException("file " + file + " declares dimension " + d + " as "
                            + Integer.toUnsignedString(dims[d]) + ", which is too large");
                }
                total = total > 0 && dims[d] > Long.MAX_VALUE / total ? Long.MAX_VALUE : total * dims[d];
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataException("file " + file + " declares " + java.util.Arrays.toString(dims) + " = "
                        + total + " bytes of data, too many for one array");
            }
            // The bytes, then 4 bytes per float pixel or int label: refused before either is allocated.
            MemoryBudget.require(total * 5, "file " + file + ", which declares "
                    + java.util.Arrays.toString(dims) + " = " + MemoryBudget.count(total) + " values,");
            byte[] data = in.readNBytes((int) total);
            if (data.length < total) {
                throw new DataException("file " + file + " is truncated: expected " + total
                        + " bytes of data, found " + data.length);
            }
            if (in.read() != -1) {
                throw new DataException("file " + file + " has extra bytes after the " + total
                        + " bytes of data its header declares");
            }
            return new Raw(dims, data);
        } catch (EOFException e) {
            throw new DataException("file " + file + " is truncated: " + (e.getMessage() == null
                    ? "the gzip stream ends early" : e.getMessage()), e);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + IoMessages.cause(e), e);
        }
    }

    /** Reads one big-endian int32 of the header; {@code headerBytes} is only for the error message. */
    private static int readInt(InputStream in, Path file, int headerBytes) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new DataException("file " + file + " is truncated: expected at least " + headerBytes
                    + " bytes of header, found fewer");
        }
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
}
