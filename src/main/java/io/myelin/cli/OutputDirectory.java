package io.myelin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Checks, before anything trains, that {@code --out} can hold a run: it is a directory or can be made one,
 * and a file can be created there. The check creates nothing that stays: where the directory does not exist
 * yet, a probe file is made (and removed) in its nearest existing ancestor, which is where {@code
 * createDirectories} would write.
 */
final class OutputDirectory {
    private OutputDirectory() {
    }

    /** @throws UserError naming {@code --out} and the reason (an existing file, a read-only or pseudo file system) */
    static void checkWritable(Path out) {
        checkDirectory(out, out);
    }

    /**
     * Checks, before any work, that {@code --out FILE} (a single output file, such as predict's CSV) can be
     * written: it is not a directory, it does not exist unless {@code force} (the house rule of {@code train
     * --out}: nothing is replaced without {@code --force}), and its directory exists or can be made and takes
     * a new file (the file itself is then written atomically).
     *
     * @throws UserError naming {@code --out} and the reason
     */
    static void checkNewFile(Path out, boolean force) {
        if (Files.isDirectory(out)) {
            throw new UserError("--out " + out + " is a directory; give the name of the file to write, e.g. --out "
                    + out.resolve("predictions.csv"));
        }
        if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !force) {
            throw new UserError("--out " + out + " already exists; choose another file, or add --force to replace it");
        }
        Path parent = out.toAbsolutePath().normalize().getParent();
        if (parent == null) {
            throw new UserError("--out " + out + " is not a file name");
        }
        checkDirectory(out, parent);
    }

    /** Checks that {@code dir} is or can become a directory that takes new files; messages name {@code --out out}. */
    private static void checkDirectory(Path out, Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new UserError("--out " + out + " cannot be created: no part of the path exists");
        }
        if (!Files.isDirectory(existing)) {
            throw new UserError("--out " + out + (existing.equals(out.toAbsolutePath().normalize()) ? " is an existing file, not a directory"
                    : " cannot be created: " + existing + " is a file, not a directory"));
        }
        if (existing.startsWith("/proc") || existing.startsWith("/sys")) {
            throw new UserError("--out " + out + " is under " + existing.getRoot().resolve(existing.getName(0))
                    + ", a kernel pseudo file system that cannot hold files");
        }
        Path probe = existing.resolve(".myelin-write-test." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            Files.createFile(probe);
        } catch (IOException e) {
            throw new UserError("--out " + out + " is not writable: cannot create a file in " + existing + " ("
                    + io.myelin.io.OutputWriteException.reason(e) + ")");
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // The probe was not created, or the directory just became unwritable; nothing to clean up.
            }
        }
    }
}
