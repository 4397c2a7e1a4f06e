package io.myelin.saving;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ModelFiles#loadInitialWeights} did: the model tensors it replaced, the model tensors the file
 * lacks (they keep their initial values), and how many PyTorch {@code num_batches_tracked} counters it
 * skipped (Myelin's batch norm uses a fixed momentum and keeps no step count).
 *
 * <pre>{@code
 * InitialWeights w = ModelFiles.loadInitialWeights(model, file);
 * w.report().forEach(System.err::println);
 * }</pre>
 */
public record InitialWeights(Path file, List<String> loaded, List<String> notInFile, List<String> ignored) {
    /** How many names a report line lists before it says how many more there are. */
    static final int LISTED = 6;

    public InitialWeights {
        loaded = List.copyOf(loaded);
        notInFile = List.copyOf(notInFile);
        ignored = List.copyOf(ignored);
    }

    /** One line per kind: loaded, not in the file (when any), ignored counters (when any). */
    public List<String> report() {
        List<String> lines = new ArrayList<>();
        lines.add("init-weights: loaded " + count(loaded, "tensor") + " from " + file + ": " + names(loaded));
        if (!notInFile.isEmpty()) {
            lines.add("init-weights: " + count(notInFile, "model tensor") + " not in the file keep their initial values: "
                    + names(notInFile));
        }
        if (!ignored.isEmpty()) {
            lines.add("init-weights: ignored " + count(ignored, "num_batches_tracked counter")
                    + " (PyTorch batch-norm step counts; Myelin's batch norm uses a fixed momentum)");
        }
        return lines;
    }

    private static String count(List<String> names, String noun) {
        return names.size() + " " + noun + (names.size() == 1 ? "" : "s");
    }

    /** {@code a, b, c} or, for many, the first {@value #LISTED} and {@code … and 12 more}. */
    static String names(List<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        if (names.size() <= LISTED) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, LISTED)) + " … and " + (names.size() - LISTED) + " more";
    }
}
