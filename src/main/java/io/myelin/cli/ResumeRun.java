package io.myelin.cli;

import io.myelin.io.CheckpointCommit;
import io.myelin.io.CheckpointManifest;
import io.myelin.saving.Checkpoints;
import io.myelin.train.ModelSpec;
import io.myelin.train.ResumeState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code myelin train --resume RUN_DIR} continues, read from the run directory: the spec, seed and
 * normalization of {@code model.json}, its {@code training} object (data source, label column, schedule
 * length, data settings) and the {@link ResumeState} of {@code training_state.json}, each read where the
 * directory's {@code checkpoint.json} says it is (a commit may have been interrupted before its last rename). Every problem is a {@link UserError}
 * or a {@code ModelFileException} raised before anything is trained or written.
 */
record ResumeRun(Path dir, ModelSpec spec, long seed, Object normalization, String data, String labelColumn,
                 Long scheduleSteps, ResumeState state, Map<String, Object> modelJson) {

    static ResumeRun read(Path dir) {
        if (!Files.exists(dir)) {
            throw new UserError("--resume " + dir + ": no such directory");
        }
        CheckpointManifest manifest = Files.isDirectory(dir) ? CheckpointCommit.manifest(dir) : null;
        Path json = Files.isDirectory(dir) ? located(dir, manifest, "model.json") : null;
        Path weights = Files.isDirectory(dir) ? located(dir, manifest, Checkpoints.WEIGHTS) : null;
        if (json == null || weights == null) {
            throw new UserError("--resume " + dir + " is not a run directory of 'myelin train' (it needs model.json and "
                    + Checkpoints.WEIGHTS + ")");
        }
        Path state = null;
        for (String f : new String[] {Checkpoints.OPTIMIZER, Checkpoints.STATE}) {
            Path p = located(dir, manifest, f);
            if (p == null) {
                throw new UserError("--resume " + dir + " has no " + f + ": the run was written by an older version of "
                        + "myelin or without training state, so it cannot be resumed (its weights can start a new run: "
                        + "--init-weights " + dir.resolve(Checkpoints.WEIGHTS) + ")");
            }
            state = p;
        }
        Map<String, Object> m = SavedModel.readModelJsonFile(json);
        Map<?, ?> training = m.get("training") instanceof Map<?, ?> t ? t : Map.of();
        Object data = training.get("data");
        Object label = training.get("label_column");
        Long steps = training.get("lr_schedule_steps") instanceof Number n ? n.longValue() : null;
        return new ResumeRun(dir, SavedModel.spec(dir, m), SavedModel.seed(m), m.get("normalization"),
                data == null ? "digits" : data.toString(), label == null ? null : label.toString(), steps,
                Checkpoints.readState(state), m);
    }

    /** Where the checkpoint's file {@code name} is (see {@link CheckpointCommit#locate}); null when it has none. */
    private static Path located(Path dir, CheckpointManifest manifest, String name) {
        Path p = manifest != null ? CheckpointCommit.locate(dir, manifest, name) : dir.resolve(name);
        return p != null && Files.isRegularFile(p) ? p : null;
    }
}
