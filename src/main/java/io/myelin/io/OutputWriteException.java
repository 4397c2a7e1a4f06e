package io.myelin.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file of a run or checkpoint directory could not be written (a full disk, a read-only file system, a
 * removed directory): one line naming the file and the cause. The command line reports it with exit status 4;
 * the directory keeps its last complete checkpoint.
 */
public final class OutputWriteException extends RuntimeException {
    private final Path file;

    public OutputWriteException(Path file, IOException cause) {
        super("cannot write " + file + ": " + reason(cause), cause);
        this.file = file;
    }

    /** The file whose write failed. */
    public Path file() {
        return file;
    }

    /** The cause in words: the OS's reason, without Java class names. */
    public static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
