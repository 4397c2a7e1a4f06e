package io.myelin.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReplacesWithoutLeavingTemporaries() throws IOException {
        Path target = dir.resolve("model.json");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second, longer");
        assertEquals("second, longer", Files.readString(target));
        assertEquals(List.of("model.json"), listing());
    }

    @Test
    void createsMissingParentDirectories() throws IOException {
        Path target = dir.resolve("a/b/weights.bin");
        AtomicFiles.write(target, new byte[] {1, 2, 3});
        assertEquals(3, Files.size(target));
    }

    @Test
    void failedWriteKeepsTheOldFileAndRemovesTheTemporary() throws IOException {
        Path target = dir.resolve("model.json");
        AtomicFiles.writeString(target, "old");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half of the new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", thrown.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("model.json"), listing());
    }

    @Test
    void writeAllReplacesNothingWhenOneFileFails() throws IOException {
        Path json = dir.resolve("model.json");
        Path weights = dir.resolve("weights.safetensors");
        AtomicFiles.writeString(json, "old json");
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(json, out -> out.write("new json".getBytes(StandardCharsets.UTF_8)));
        files.put(weights, out -> {
            throw new IllegalStateException("tensor on a closed backend");
        });
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeAll(files));
        assertEquals("old json", Files.readString(json));
        assertEquals(List.of("model.json"), listing());

        files.put(weights, out -> out.write(new byte[] {7}));
        AtomicFiles.writeAll(files);
        assertEquals("new json", Files.readString(json));
        assertEquals(1, Files.size(weights));
        assertEquals(List.of("model.json", "weights.safetensors"), listing());
    }

    @Test
    void resultHasTheUsualPermissionsNotOwnerOnly() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "skipped: the file system has no POSIX permissions to compare");
        Path reference = Files.createFile(dir.resolve("reference"));
        Path target = dir.resolve("model.json");
        AtomicFiles.writeString(target, "{}");
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(reference);
        assertEquals(expected, Files.getPosixFilePermissions(target));
    }
}
