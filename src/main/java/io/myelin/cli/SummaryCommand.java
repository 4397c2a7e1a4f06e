package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.train.ModelSpec;
import io.myelin.train.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code myelin summary SPEC.json|RUN_DIR}: layers, output shapes and parameter counts. */
@Command(name = "summary", mixinStandardHelpOptions = true, description = "Print a model's layers and parameter counts.")
final class SummaryCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "A model spec JSON or a run directory.")
    Path source;

    @Override
    public Integer call() {
        // The spec (or run) is read and checked before the backend starts: a mistake is the first line printed.
        boolean run = Files.isDirectory(source);
        java.util.Map<String, Object> modelJson = run ? SavedModel.read(source) : null;
        ModelSpec spec = run ? null : ModelSpec.read(source);
        if (spec != null) {
            spec.outputShape();
        }
        try (Backend be = Backends.create("cpu")) {
            if (run) {
                try (SavedModel saved = SavedModel.load(source, modelJson, be)) {
                    System.out.print(saved.model().summary());
                }
            } else {
                try (Sequential m = spec.build(be, 42)) {
                    System.out.print(m.summary());
                }
            }
        }
        return 0;
    }
}
