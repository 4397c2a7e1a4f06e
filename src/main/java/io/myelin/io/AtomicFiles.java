package io.myelin.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader sees either the old content or the complete new content, never a torn
 * file, even if the process dies mid-write: the content goes to a temporary file in the same directory
 * ({@code .NAME.RANDOM.tmp}), is fsynced, and is renamed over the target with an atomic move. On failure
 * the temporary file is removed and the target is left as it was.
 *
 * <pre>{@code
 * AtomicFiles.writeString(dir.resolve("model.json"), json);
 * }</pre>
 */
public final class AtomicFiles {
    /** Something that writes a file's content to a stream (the stream is buffered; do not close it). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Atomically replaces {@code target} with what {@code content} writes; creates missing parent directories. */
    public static void write(Path target, Content content) throws IOException {
        Path tmp = writeTemp(target, content);
        moveIntoPlace(tmp, target);
        syncDirectory(parent(target));
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes several files (e.g. model.json and weights.safetensors) so that none is replaced unless all
     * were written: every file goes to its temporary first, and only then is each renamed into place. The
     * renames are atomic one by one, not as a group; a crash between two renames can leave a new file beside
     * an old one. Checkpoints, which must be atomic as a group, use {@link CheckpointCommit}.
     */
    public static void writeAll(Map<Path, Content> files) throws IOException {
        Map<Path, Path> temps = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, Content> e : files.entrySet()) {
                temps.put(e.getKey(), writeTemp(e.getKey(), e.getValue()));
            }
        } catch (IOException | RuntimeException | Error e) {
            for (Path tmp : temps.values()) {
                deleteQuietly(tmp, e);
            }
            throw e;
        }
        List<Path> pending = new ArrayList<>(temps.values());
        Set<Path> dirs = new LinkedHashSet<>();
        for (Map.Entry<Path, Path> e : temps.entrySet()) {
            pending.remove(e.getValue());
            try {
                moveIntoPlace(e.getValue(), e.getKey());
            } catch (IOException | RuntimeException ex) {
                for (Path tmp : pending) {
                    deleteQuietly(tmp, ex);
                }
                throw ex;
            }
            dirs.add(parent(e.getKey()));
        }
        for (Path dir : dirs) {
            syncDirectory(dir);
        }
    }

    private static Path writeTemp(Path target, Content content) throws IOException {
        Path dir = parent(target);
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        // CREATE_NEW rather than Files.createTempFile: the latter makes the file owner-only (0600), and the
        // rename would carry that onto the user's model file.
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            content.writeTo(out);
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(tmp, e);
            throw e;
        }
        return tmp;
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        }
    }

    /** Makes the rename durable; some platforms cannot open a directory, and the rename is atomic anyway. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort only: see the method comment.
        }
    }

    private static Path parent(Path target) {
        return target.toAbsolutePath().getParent();
    }

    private static void deleteQuietly(Path tmp, Throwable cause) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
