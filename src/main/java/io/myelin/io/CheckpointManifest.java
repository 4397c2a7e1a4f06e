package io.myelin.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.myelin.config.ConfigException;
import io.myelin.config.ConfigObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code checkpoint.json}, the commit record of a checkpoint directory ({@link CheckpointCommit}): the
 * generation (1 for the first commit into the directory, then counting up) and every file of that commit
 * with its size and SHA-256. Only the files it names, with that size and digest, are the checkpoint.
 *
 * <pre>
 * {"format": "myelin-checkpoint", "format_version": 1, "generation": 3,
 *  "files": [{"name": "weights.safetensors", "size": 17024, "sha256": "9f86d0…"}, …]}
 * </pre>
 *
 * @param generation counts the commits into the directory, from 1
 * @param files      by file name, in commit order
 */
public record CheckpointManifest(long generation, Map<String, Entry> files) {
    public static final String FORMAT = "myelin-checkpoint";
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** One file of the commit. */
    public record Entry(String name, long size, String sha256) {
    }

    public CheckpointManifest {
        files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", FORMAT_VERSION);
        m.put("generation", generation);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Entry e : files.values()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", e.name());
            f.put("size", e.size());
            f.put("sha256", e.sha256());
            list.add(f);
        }
        m.put("files", list);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot encode " + CheckpointCommit.MANIFEST + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Reads {@code file} strictly; every problem is a {@link ModelFileException} naming the file and key. */
    static CheckpointManifest read(Path file) {
        Object value;
        try {
            value = JSON.readValue(file.toFile(), Object.class);
        } catch (JacksonException e) {
            throw new ModelFileException(file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelFileException("cannot read " + file + ": " + OutputWriteException.reason(e), e);
        }
        try {
            ConfigObject c = ConfigObject.from(value, file.toString());
            if (!FORMAT.equals(c.string("format", null))) {
                throw c.error("\"format\" must be \"" + FORMAT + "\", got " + c.raw("format"));
            }
            int version = c.requiredInteger("format_version");
            if (version != FORMAT_VERSION) {
                throw c.error("format_version " + version + " is not supported (this myelin reads " + FORMAT_VERSION + ")");
            }
            long generation = c.longInteger("generation", -1);
            if (generation < 1) {
                throw c.error("\"generation\" must be a count >= 1, got " + c.raw("generation"));
            }
            Map<String, Entry> files = new LinkedHashMap<>();
            List<?> list = c.list("files");
            if (list == null) {
                throw c.missing("files", "");
            }
            for (int i = 0; i < list.size(); i++) {
                ConfigObject f = ConfigObject.from(list.get(i), file + ", files[" + i + "]");
                String name = f.requiredString("name");
                if (!CheckpointCommit.isOwnedName(name)) {
                    throw f.error("\"name\" " + name + " is not a file of a checkpoint");
                }
                long size = f.longInteger("size", -1);
                if (size < 0) {
                    throw f.error("\"size\" must be a byte count >= 0, got " + f.raw("size"));
                }
                String sha = f.requiredString("sha256");
                if (!SHA256.matcher(sha).matches()) {
                    throw f.error("\"sha256\" must be 64 lowercase hex digits, got " + sha);
                }
                f.finish();
                if (files.put(name, new Entry(name, size, sha)) != null) {
                    throw f.error(name + " is listed twice");
                }
            }
            c.finish();
            return new CheckpointManifest(generation, files);
        } catch (ConfigException e) {
            throw new ModelFileException(e.getMessage(), e);
        }
    }
}
