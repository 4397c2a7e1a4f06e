package io.myelin.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Commits a group of files into one directory (a checkpoint: model.json, weights, optimizer and training
 * state, history.csv) atomically as a group: a process killed at any instant leaves either the previous
 * complete group or the new one, never a mix. The protocol, for generation G (the manifest's generation + 1):
 * <ol>
 *   <li>each file goes to {@code .NAME.gG.tmp} beside its final name, SHA-256 and size computed on the way,
 *       and is fsynced;</li>
 *   <li>{@code checkpoint.json} ({@link CheckpointManifest}) naming generation G and every file's name, size
 *       and digest is written to its own temporary, fsynced, and renamed over the old one (after an fsync of
 *       the directory): <b>this rename is the commit</b>;</li>
 *   <li>each temporary is renamed to its final name, and the directory fsynced.</li>
 * </ol>
 * Before step 2 the directory still holds the previous generation under its final names; after it, the
 * manifest names the new files, and those not yet renamed are still complete under their temporary names.
 * {@link #locate} finds each file where the manifest's digest says it is, and {@link #recover} finishes an
 * interrupted commit (the renames of step 3, idempotent) and removes the temporaries of an uncommitted one.
 * Every final name holds a complete file at every instant (a reader such as PyTorch loading
 * {@code weights.safetensors} sees one generation's complete file, possibly the previous one until step 3
 * ends). Only files named in {@link #OWNED_NAMES}, and temporaries of those names, are ever removed.
 */
public final class CheckpointCommit {
    /** The commit record's file name. */
    public static final String MANIFEST = "checkpoint.json";

    /** The file names a checkpoint or run directory holds; only their temporaries are removed as stale. */
    public static final Set<String> OWNED_NAMES = Set.of("model.json", "weights.safetensors", "optimizer.safetensors",
            "training_state.json", "history.csv", "metrics.json", "curves.png", MANIFEST);

    /** {@code .NAME.gG.tmp} of this protocol or {@code .NAME.HEX.tmp} of {@link AtomicFiles}. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.(g[0-9]+|[0-9a-f]{1,16})\\.tmp");

    private CheckpointCommit() {
    }

    /** Whether {@code name} is one of {@link #OWNED_NAMES}. */
    static boolean isOwnedName(String name) {
        return OWNED_NAMES.contains(name);
    }

    /**
     * Commits {@code files} (all in one directory, each named in {@link #OWNED_NAMES}) as the directory's next
     * generation; finishes or clears an interrupted earlier commit first. A failure before the commit point
     * removes this commit's temporaries and leaves the directory's checkpoint as it was.
     *
     * @throws OutputWriteException naming the file that could not be written and why
     */
    public static void commit(Map<Path, AtomicFiles.Content> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("nothing to commit");
        }
        Path dir = null;
        for (Path p : files.keySet()) {
            Path parent = p.toAbsolutePath().getParent();
            if (dir != null && !dir.equals(parent)) {
                throw new IllegalArgumentException("a checkpoint is one directory, got " + dir + " and " + parent);
            }
            if (!isOwnedName(p.getFileName().toString())) {
                throw new IllegalArgumentException(p.getFileName() + " is not a checkpoint file name " + OWNED_NAMES);
            }
            dir = parent;
        }
        FaultInjection fault = FaultInjection.forNextCommit();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OutputWriteException(dir, e);
        }
        recover(dir);
        CheckpointManifest old = Files.exists(dir.resolve(MANIFEST)) ? CheckpointManifest.read(dir.resolve(MANIFEST)) : null;
        long generation = old == null ? 1 : old.generation() + 1;
        Map<String, CheckpointManifest.Entry> entries = new LinkedHashMap<>();
        List<Path> temps = new ArrayList<>();
        Path current = null;
        try {
            for (Map.Entry<Path, AtomicFiles.Content> f : files.entrySet()) {
                String name = f.getKey().getFileName().toString();
                current = dir.resolve(name);
                Path tmp = temporary(dir, name, generation);
                temps.add(tmp);
                entries.put(name, writeTemporary(tmp, name, f.getValue(), fault));
            }
            current = dir.resolve(MANIFEST);
            Path manifestTmp = temporary(dir, MANIFEST, generation);
            temps.add(manifestTmp);
            byte[] manifest = new CheckpointManifest(generation, entries).toJson();
            writeTemporary(manifestTmp, MANIFEST, out -> out.write(manifest), fault);
            syncDirectory(dir);
            if (fault != null) {
                fault.afterRenames(0);
            }
            Files.move(manifestTmp, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            for (Path tmp : temps) {
                deleteQuietly(tmp, e);
            }
            throw new OutputWriteException(current, e);
        } catch (RuntimeException | Error e) {
            for (Path tmp : temps) {
                deleteQuietly(tmp, e);
            }
            throw e;
        }
        // Committed: what follows is redone by recover() if the process dies here.
        syncDirectory(dir);
        if (fault != null) {
            fault.afterRenames(1);
        }
        int renames = 1;
        for (String name : entries.keySet()) {
            try {
                Files.move(temporary(dir, name, generation), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new OutputWriteException(dir.resolve(name), e);
            }
            renames++;
            if (fault != null) {
                fault.afterRenames(renames);
            }
        }
        syncDirectory(dir);
    }

    /** The manifest of {@code dir}, or null when it has none (a directory of an earlier format, or none yet). */
    public static CheckpointManifest manifest(Path dir) {
        Path file = dir.resolve(MANIFEST);
        return Files.isRegularFile(file) ? CheckpointManifest.read(file) : null;
    }

    /**
     * Where the manifest's {@code name} is with the size and digest it lists: its final name, or the
     * temporary of an interrupted commit; null when the manifest does not list it. Changes nothing.
     *
     * @throws ModelFileException when neither file matches (the checkpoint was changed or damaged)
     */
    public static Path locate(Path dir, CheckpointManifest manifest, String name) {
        CheckpointManifest.Entry entry = manifest.files().get(name);
        if (entry == null) {
            return null;
        }
        Path file = dir.resolve(name);
        if (matches(file, entry)) {
            return file;
        }
        Path tmp = temporary(dir, name, manifest.generation());
        if (matches(tmp, entry)) {
            return tmp;
        }
        throw new ModelFileException(file + " is not the file " + dir.resolve(MANIFEST) + " lists (generation "
                + manifest.generation() + ", " + entry.size() + " bytes, sha256 " + entry.sha256().substring(0, 12)
                + "…): " + (Files.exists(file) ? "its size or content differs" : "it is missing")
                + ", so the checkpoint was changed or damaged after it was written");
    }

    /**
     * Finishes an interrupted commit (renames the manifest's files still under their temporary names) and removes
     * stale temporaries of {@link #OWNED_NAMES}; other files are left alone. Call only after the directory was
     * checked, or before a commit.
     *
     * @throws OutputWriteException when a rename or removal fails
     */
    public static void recover(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        CheckpointManifest m = manifest(dir);
        Path current = dir;
        boolean changed = false;
        try {
            if (m != null) {
                for (CheckpointManifest.Entry e : m.files().values()) {
                    Path tmp = temporary(dir, e.name(), m.generation());
                    if (Files.exists(tmp) && matches(tmp, e)) {
                        current = dir.resolve(e.name());
                        Files.move(tmp, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        changed = true;
                    }
                }
            }
            for (Path stale : staleTemporaries(dir)) {
                current = stale;
                Files.deleteIfExists(stale);
                changed = true;
            }
        } catch (IOException e) {
            throw new OutputWriteException(current, e);
        }
        if (changed) {
            syncDirectory(dir);
        }
    }

    /** The temporaries in {@code dir} this class or {@link AtomicFiles} made for {@link #OWNED_NAMES}. */
    private static List<Path> staleTemporaries(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = TEMPORARY.matcher(p.getFileName().toString());
                if (m.matches() && isOwnedName(m.group(1)) && Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    static Path temporary(Path dir, String name, long generation) {
        return dir.resolve("." + name + ".g" + generation + ".tmp");
    }

    private static CheckpointManifest.Entry writeTemporary(Path tmp, String name, AtomicFiles.Content content,
                                                           FaultInjection fault) throws IOException {
        MessageDigest sha = sha256();
        long size;
        // CREATE (not CREATE_NEW): a temporary of this generation is stale by definition; the mode is the
        // default, as Files.createTempFile's owner-only mode would carry over to the user's file.
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            if (fault != null) {
                fault.failWriting(name);
                if (fault.haltsWhileWriting(name)) {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    content.writeTo(all);
                    channel.write(java.nio.ByteBuffer.wrap(all.toByteArray(), 0, all.size() / 2));
                    channel.force(true);
                    FaultInjection.halt();
                }
            }
            DigestOutputStream digest = new DigestOutputStream(Channels.newOutputStream(channel), sha);
            OutputStream out = new BufferedOutputStream(digest, 1 << 16);
            content.writeTo(out);
            out.flush();
            channel.force(true);
            size = channel.size();
        }
        return new CheckpointManifest.Entry(name, size, HexFormat.of().formatHex(sha.digest()));
    }

    private static boolean matches(Path file, CheckpointManifest.Entry entry) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) != entry.size()) {
                return false;
            }
            MessageDigest sha = sha256();
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(sha.digest()).equals(entry.sha256());
        } catch (IOException e) {
            throw new ModelFileException("cannot read " + file + ": " + OutputWriteException.reason(e), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** Makes renames durable; some platforms cannot open a directory, and a rename is atomic anyway. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort only: see the method comment.
        }
    }

    private static void deleteQuietly(Path tmp, Throwable cause) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
