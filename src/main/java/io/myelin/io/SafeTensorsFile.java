package io.myelin.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of a safetensors file: tensors by name (insertion-ordered; after {@link SafeTensors#read}
 * in file order) and the free-form string metadata of the {@code __metadata__} header entry.
 *
 * <pre>{@code
 * SafeTensorsFile f = SafeTensorsFile.of(List.of(weight, bias), Map.of("format", "pt"));
 * }</pre>
 */
public record SafeTensorsFile(Map<String, NamedTensor> tensors, Map<String, String> metadata) {
    public SafeTensorsFile {
        for (Map.Entry<String, NamedTensor> e : tensors.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                throw new IllegalArgumentException("tensor map key '" + e.getKey() + "' differs from the tensor's name '"
                        + e.getValue().name() + "'");
            }
        }
        if (tensors.containsKey(SafeTensors.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + SafeTensors.METADATA_KEY + "' is reserved and cannot name a tensor");
        }
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A file of these tensors (names must be distinct) and metadata. */
    public static SafeTensorsFile of(Iterable<NamedTensor> tensors, Map<String, String> metadata) {
        Map<String, NamedTensor> byName = new LinkedHashMap<>();
        for (NamedTensor t : tensors) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            }
        }
        return new SafeTensorsFile(byName, metadata);
    }

    /** The tensor called {@code name}; a {@link ModelFileException} listing the names if there is none. */
    public NamedTensor tensor(String name) {
        NamedTensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFileException("no tensor '" + name + "' (tensors: " + String.join(", ", tensors.keySet()) + ")");
        }
        return t;
    }
}
