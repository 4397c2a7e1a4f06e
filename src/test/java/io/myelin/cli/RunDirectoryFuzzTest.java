package io.myelin.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.myelin.backend.Backend;
import io.myelin.config.ConfigException;
import io.myelin.config.MemoryLimitException;
import io.myelin.data.DataException;
import io.myelin.fuzz.FuzzFiles;
import io.myelin.fuzz.UserErrors;
import io.myelin.io.ModelFileException;
import io.myelin.saving.Checkpoints;
import io.myelin.testing.UseBackend;
import io.myelin.train.Sequential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the files of a run directory that {@code evaluate}, {@code predict} and {@code train --resume} read:
 * the input's first byte chooses {@code model.json}, {@code training_state.json} or
 * {@code optimizer.safetensors}, the rest replaces that file in a copy of a real one-epoch run, which is then
 * loaded ({@link SavedModel#load} and {@link Checkpoints#load}). A loaded model, or one of the project's
 * user errors, nothing else ({@link UserErrors}).
 */
class RunDirectoryFuzzTest {
    private static final List<String> FILES = List.of("model.json", "training_state.json", "optimizer.safetensors");
    @UseBackend("cpu")
    private static Backend CPU;
    private static final Path RUN = trainedRun();

    /** A one-epoch run on a small CSV file, trained once per JVM. */
    private static Path trainedRun() {
        try {
            Path dir = FuzzFiles.dir("run-base");
            Path csv = DataFiles.write(dir.resolve("animals.csv"), DataFiles.animals(60, 1));
            Path run = dir.resolve("run");
            if (!Files.exists(run.resolve("training_state.json"))) {
                CliRunner.Result r = CliRunner.run("train", "--data", csv.toString(), "--epochs", "1", "--backend",
                        "cpu", "--force", "--out", run.toString());
                if (r.code() != 0) {
                    throw new IllegalStateException("the base run did not train: " + r.err());
                }
            }
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void runFile(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        String name = FILES.get(Math.floorMod(input[0], FILES.size()));
        Path dir = FuzzFiles.dir("run-input");
        try (var files = Files.list(RUN)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.write(dir.resolve(name), java.util.Arrays.copyOfRange(input, 1, input.length));
        UserErrors.outcome(() -> {
            try (SavedModel saved = SavedModel.load(dir, CPU)) {
                Map<String, Object> json = SavedModel.readModelJson(dir);
                try (Sequential fresh = SavedModel.spec(dir, json).build(CPU, SavedModel.seed(json))) {
                    Checkpoints.load(fresh, dir);
                }
                return saved.profile();
            }
        }, UserError.class, ConfigException.class, IllegalArgumentException.class, DataException.class,
                ModelFileException.class, MemoryLimitException.class);
    }
}
