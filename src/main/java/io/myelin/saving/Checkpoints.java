package io.myelin.saving;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.myelin.config.StrictJson;
import io.myelin.io.AtomicFiles;
import io.myelin.io.CheckpointCommit;
import io.myelin.io.CheckpointManifest;
import io.myelin.io.ModelFileException;
import io.myelin.io.SafeTensors;
import io.myelin.io.SafeTensorsFile;
import io.myelin.train.ResumeState;
import io.myelin.train.Sequential;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resumable checkpoint directory: {@code weights.safetensors} (the model's tensors), {@code
 * optimizer.safetensors} ({@link OptimizerFiles}) and {@code training_state.json} ({@link ResumeState}),
 * committed together by {@link CheckpointCommit} with the manifest {@code checkpoint.json} (generation, each
 * file's size and SHA-256) renamed into place last: a process killed at any instant leaves the last
 * complete checkpoint resumable. A run directory of {@code myelin train} is such a checkpoint plus {@code
 * model.json} and reports.
 *
 * <p>Loading trusts the manifest: each file is read where it has the listed digest (its final name, or the
 * temporary of a commit interrupted after its manifest was renamed). A directory without {@code
 * checkpoint.json}, as earlier versions wrote, is read by its final names; both safetensors files carry the
 * checkpoint's epoch in their metadata ({@code "epoch"}), and such a directory mixing two epochs is refused.
 *
 * <pre>{@code
 * Checkpoints.save(model, dir);                         // after fit
 * ResumeState s = Checkpoints.load(fresh, dir);         // same spec and seed
 * fresh.fit(train, FitConfig.builder().epochs(20).resumeFrom(s).build());
 * }</pre>
 */
public final class Checkpoints {
    public static final String WEIGHTS = "weights.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "training_state.json";
    /** Metadata key of both safetensors files: the epochs completed when they were written. */
    private static final String EPOCH = "epoch";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoints() {
    }

    /** Writes the checkpoint of the model's last completed epoch ({@link Sequential#resumeState()}) to {@code dir}. */
    public static void save(Sequential model, Path dir) {
        CheckpointCommit.commit(files(model, dir));
    }

    /** A weights file of the model's current tensors, without optimizer or training state. */
    public static AtomicFiles.Content weights(Sequential model) {
        return SafeTensors.content(ModelFiles.weightsFile(model));
    }

    /** The checkpoint's three files by path, for committing together with other files of a run. */
    public static Map<Path, AtomicFiles.Content> files(Sequential model, Path dir) {
        ResumeState state = model.resumeState();
        if (state == null) {
            throw new IllegalStateException("nothing to checkpoint: the model has not completed a training epoch");
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(state.toMap());
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot encode the training state: " + e.getOriginalMessage(), e);
        }
        String epoch = String.valueOf(state.epochsCompleted());
        Map<String, String> weightsMeta = new LinkedHashMap<>(ModelFiles.METADATA);
        weightsMeta.put(EPOCH, epoch);
        SafeTensorsFile optimizer = OptimizerFiles.export(model);
        Map<String, String> optimizerMeta = new LinkedHashMap<>(optimizer.metadata());
        optimizerMeta.put(EPOCH, epoch);
        Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(dir.resolve(WEIGHTS), SafeTensors.content(new SafeTensorsFile(ModelFiles.exportTensors(model), weightsMeta)));
        files.put(dir.resolve(OPTIMIZER), SafeTensors.content(new SafeTensorsFile(optimizer.tensors(), optimizerMeta)));
        files.put(dir.resolve(STATE), out -> out.write(json));
        return files;
    }

    /**
     * Loads a checkpoint into a model built from the same spec and seed: weights, optimizer state, global
     * step. Every file is checked before the model is changed. Returns the state to pass to
     * {@code FitConfig.Builder.resumeFrom}; it is also the model's {@link Sequential#resumeState()}.
     */
    public static ResumeState load(Sequential model, Path dir) {
        if (model.optimizer() == null) {
            throw new IllegalStateException("Checkpoints.load restores the optimizer's state as well as the weights, so "
                    + "the model must be compiled first (compile with the run's loss and optimizer); to start a model "
                    + "from the weights alone use ModelFiles.loadInitialWeights(model, " + dir.resolve(WEIGHTS) + ")");
        }
        if (!Files.isDirectory(dir)) {
            throw new ModelFileException("checkpoint " + dir + " is not a directory");
        }
        CheckpointManifest manifest = CheckpointCommit.manifest(dir);
        Path weights = require(dir, manifest, WEIGHTS, "");
        Path optimizer = require(dir, manifest, OPTIMIZER, ": it was written by an older version of myelin or without "
                + "optimizer state, so training cannot resume from it");
        Path statePath = require(dir, manifest, STATE, ": it was written by an older version of myelin or without "
                + "training state, so training cannot resume from it");
        ResumeState state = readState(statePath);
        if (state.seed() != model.seed()) {
            throw new ModelFileException(statePath + ": the checkpoint was trained with seed " + state.seed()
                    + " but the model has seed " + model.seed() + " (dropout and shuffling are keyed by the seed)");
        }
        SafeTensorsFile weightsFile = SafeTensors.read(weights);
        SafeTensorsFile optimizerFile = SafeTensors.read(optimizer);
        checkSameEpoch(dir, state, WEIGHTS, weightsFile);
        checkSameEpoch(dir, state, OPTIMIZER, optimizerFile);
        Runnable loadWeights = ModelFiles.prepareWeights(model, weightsFile, weights, true);
        Runnable loadOptimizer = OptimizerFiles.prepare(model, optimizerFile, optimizer);
        loadWeights.run();
        loadOptimizer.run();
        model.setGlobalStep(state.globalStep());
        model.setResumeState(state);
        return state;
    }

    /** Refuses a file stamped with another epoch than the training state's (files without the stamp pass). */
    private static void checkSameEpoch(Path dir, ResumeState state, String name, SafeTensorsFile file) {
        String epoch = file.metadata().get(EPOCH);
        if (epoch != null && !epoch.equals(String.valueOf(state.epochsCompleted()))) {
            throw new ModelFileException(dir + " mixes two checkpoints: " + name + " is from epoch " + epoch + " but "
                    + STATE + " from epoch " + state.epochsCompleted() + " (as a process killed while the checkpoint was "
                    + "being replaced leaves it), so it cannot be resumed; its weights can start a new run: --init-weights "
                    + dir.resolve(WEIGHTS));
        }
    }

    /** Reads {@code training_state.json} strictly ({@link ResumeState#fromMap(Map, String)}); errors name the file and key. */
    public static ResumeState readState(Path file) {
        Map<String, Object> value;
        try {
            value = StrictJson.readObject(file, "run file");
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(e.getMessage(), e);
        }
        try {
            return ResumeState.fromMap(value, file.toString());
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(e.getMessage(), e);
        }
    }

    /**
     * Where {@code name} of the checkpoint is: where the manifest's digest says, else (no manifest) its final
     * name.
     */
    private static Path require(Path dir, CheckpointManifest manifest, String name, String why) {
        Path p = manifest != null ? CheckpointCommit.locate(dir, manifest, name) : dir.resolve(name);
        if (p == null || !Files.isRegularFile(p)) {
            throw new ModelFileException(dir + " has no " + name + why);
        }
        return p;
    }
}
