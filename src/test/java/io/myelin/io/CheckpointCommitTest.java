package io.myelin.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The group commit's manifest, where readers find each file, and what recovery renames and removes. */
class CheckpointCommitTest {
    @TempDir
    Path dir;

    private Map<Path, AtomicFiles.Content> group(String weights, String state) {
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(dir.resolve("weights.safetensors"), out -> out.write(weights.getBytes(StandardCharsets.UTF_8)));
        files.put(dir.resolve("training_state.json"), out -> out.write(state.getBytes(StandardCharsets.UTF_8)));
        return files;
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void eachCommitIsTheNextGenerationAndListsSizesAndDigests() throws Exception {
        CheckpointCommit.commit(group("w1", "s1"));
        CheckpointCommit.commit(group("weights-2", "s2"));
        CheckpointManifest m = CheckpointCommit.manifest(dir);
        assertEquals(2, m.generation());
        assertEquals(List.of("weights.safetensors", "training_state.json"), List.copyOf(m.files().keySet()));
        assertEquals(new CheckpointManifest.Entry("weights.safetensors", 9, sha256("weights-2")),
                m.files().get("weights.safetensors"));
        assertEquals("weights-2", Files.readString(dir.resolve("weights.safetensors")));
        assertEquals(List.of("checkpoint.json", "training_state.json", "weights.safetensors"), names());
        assertNull(CheckpointCommit.locate(dir, m, "optimizer.safetensors"), "not part of this checkpoint");
    }

    @Test
    void aCommitInterruptedAfterItsManifestIsFoundUnderTemporaryNamesAndFinishedByRecover() throws Exception {
        CheckpointCommit.commit(group("w1", "s1"));
        CheckpointCommit.commit(group("w2", "s2"));
        // As a kill after the manifest rename of generation 2 leaves it: the old weights under the final name.
        Path tmp = CheckpointCommit.temporary(dir, "weights.safetensors", 2);
        Files.move(dir.resolve("weights.safetensors"), tmp);
        Files.writeString(dir.resolve("weights.safetensors"), "w1");
        CheckpointManifest m = CheckpointCommit.manifest(dir);
        assertEquals(tmp, CheckpointCommit.locate(dir, m, "weights.safetensors"));
        assertEquals(dir.resolve("training_state.json"), CheckpointCommit.locate(dir, m, "training_state.json"));
        Files.writeString(dir.resolve(".model.json.0123abcd.tmp"), "a stale single-file temporary");
        Files.writeString(dir.resolve(".weights.safetensors.g7.tmp"), "a stale group temporary");
        Files.writeString(dir.resolve(".mine.json.g2.tmp"), "not a checkpoint file name: kept");
        Files.writeString(dir.resolve("weights.safetensors.g2.tmp"), "no leading dot: kept");
        CheckpointCommit.recover(dir);
        assertEquals("w2", Files.readString(dir.resolve("weights.safetensors")));
        assertEquals(List.of(".mine.json.g2.tmp", "checkpoint.json", "training_state.json", "weights.safetensors",
                "weights.safetensors.g2.tmp"), names());
    }

    @Test
    void aFileThatIsNeitherTheListedOneNorItsTemporaryIsDamage() throws Exception {
        CheckpointCommit.commit(group("w1", "s1"));
        Files.writeString(dir.resolve("weights.safetensors"), "w9");
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> CheckpointCommit.locate(dir, CheckpointCommit.manifest(dir), "weights.safetensors"));
        assertTrue(e.getMessage().startsWith(dir.resolve("weights.safetensors") + " is not the file "
                + dir.resolve("checkpoint.json") + " lists (generation 1, 2 bytes, sha256 "), e.getMessage());
        assertTrue(e.getMessage().endsWith("its size or content differs, so the checkpoint was changed or damaged "
                + "after it was written"), e.getMessage());
    }

    @Test
    void aFailedWriteRemovesItsTemporariesAndNamesTheFile() throws Exception {
        CheckpointCommit.commit(group("w1", "s1"));
        Map<Path, AtomicFiles.Content> files = group("w2", "s2");
        files.put(dir.resolve("history.csv"), out -> {
            throw new IOException("No space left on device");
        });
        OutputWriteException e = assertThrows(OutputWriteException.class, () -> CheckpointCommit.commit(files));
        assertEquals("cannot write " + dir.resolve("history.csv") + ": No space left on device", e.getMessage());
        assertEquals(List.of("checkpoint.json", "training_state.json", "weights.safetensors"), names());
        assertEquals(1, CheckpointCommit.manifest(dir).generation());
        assertEquals("w1", Files.readString(dir.resolve("weights.safetensors")));
    }

    @Test
    void onlyCheckpointFileNamesCanBeCommitted() {
        assertThrows(IllegalArgumentException.class, () -> CheckpointCommit.commit(Map.of(dir.resolve("notes.txt"),
                out -> out.write(1))));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
