package io.myelin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.myelin.io.NamedTensor;
import io.myelin.io.SafeTensors;
import io.myelin.io.SafeTensorsFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.myelin.cli.CliResumeTest.assertSameFiles;
import static io.myelin.cli.CliResumeTest.copy;
import static io.myelin.cli.CliResumeTest.snapshot;
import static io.myelin.cli.CliResumeTest.train;
import static io.myelin.cli.CliTest.assertUserError;

/**
 * {@code train --resume} checks the whole run directory before it writes or deletes anything: each broken
 * file is one {@code error:} line naming the file and key, exit 2, and the directory stays byte for byte as
 * it was. The edited files no longer match {@code checkpoint.json}, which is refused first; so each case also
 * runs without the manifest (a directory of the earlier format, or edited by hand), to reach the file's own check.
 */
class CliRunDirectoryValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private Path run;

    @BeforeEach
    void trainTwoEpochs() throws IOException {
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, CliResumeTest.SPEC);
        run = tmp.resolve("run");
        train(run, "--model", spec.toString(), "--epochs", "2", "--checkpoint-every", "1");
    }

    private interface Edit {
        void apply(Path dir) throws IOException;
    }

    private void assertRefused(String name, Edit edit, String expected) throws IOException {
        Path withManifest = copy(run, tmp.resolve(name + "-manifest"));
        edit.apply(withManifest);
        Files.writeString(withManifest.resolve(".weights.safetensors.g9.tmp"), "a stale temporary stays until the run is valid");
        Map<String, byte[]> before = snapshot(withManifest);
        assertUserError("lists (generation", "train", "--resume", withManifest.toString(), "--epochs", "3");
        assertSameFiles(before, withManifest);

        Path dir = copy(run, tmp.resolve(name));
        Files.delete(dir.resolve("checkpoint.json"));
        edit.apply(dir);
        before = snapshot(dir);
        assertUserError(expected, "train", "--resume", dir.toString(), "--epochs", "3");
        assertSameFiles(before, dir);
    }

    private static ObjectNode state(Path dir) throws IOException {
        return (ObjectNode) JSON.readTree(dir.resolve("training_state.json").toFile());
    }

    private static void writeState(Path dir, ObjectNode s) throws IOException {
        Files.write(dir.resolve("training_state.json"), JSON.writeValueAsBytes(s));
    }

    @Test
    void historyListsOfDifferentLengthsAreRefused() throws IOException {
        assertRefused("history", dir -> {
            ObjectNode s = state(dir);
            ((ArrayNode) s.get("history").get("loss")).remove(0);
            writeState(dir, s);
        }, "training_state.json, history: \"loss\" has 1 values but epochs_completed is 2 (one value per epoch)");
    }

    @Test
    void epochsCompletedBeyondIntIsRefusedNotWrapped() throws IOException {
        assertRefused("epochs", dir -> {
            ObjectNode s = state(dir);
            s.put("epochs_completed", 4294967298L);
            writeState(dir, s);
        }, "training_state.json: \"epochs_completed\"");
        assertRefused("negative", dir -> {
            ObjectNode s = state(dir);
            s.put("epochs_completed", -1);
            writeState(dir, s);
        }, "training_state.json: \"epochs_completed\" must be >= 0");
    }

    @Test
    void batchSizeZeroAndOtherFitValuesAreRefusedByKey() throws IOException {
        assertRefused("batch", dir -> {
            ObjectNode s = state(dir);
            ((ObjectNode) s.get("fit")).put("batch_size", 0);
            writeState(dir, s);
        }, "training_state.json, fit: \"batch_size\" must be at least 1, got 0");
        assertRefused("split", dir -> {
            ObjectNode s = state(dir);
            ((ObjectNode) s.get("fit")).put("validation_split", 1.5);
            writeState(dir, s);
        }, "training_state.json, fit: \"validation_split\" must be in [0, 1), got 1.5");
        assertRefused("typo", dir -> {
            ObjectNode s = state(dir);
            s.put("global_stpe", 3);
            writeState(dir, s);
        }, "training_state.json: unknown key \"global_stpe\"; did you mean \"global_step\"?");
    }

    @Test
    void optimizerMomentumNaNIsRefused() throws IOException {
        assertRefused("momentum", dir -> {
            SafeTensorsFile opt = SafeTensors.read(dir.resolve("optimizer.safetensors"));
            Map<String, String> meta = new LinkedHashMap<>(opt.metadata());
            meta.put("momentum", "NaN");
            SafeTensors.write(dir.resolve("optimizer.safetensors"), new SafeTensorsFile(opt.tensors(), meta));
        }, "optimizer.safetensors: metadata 'momentum' must be a finite number >= 0, got NaN");
    }

    @Test
    void nonFiniteWeightsAndOptimizerStateAreRefusedByTensorAndIndex() throws IOException {
        assertRefused("weights", dir -> replace(dir.resolve("weights.safetensors"), "dense_0.weight", 70,
                Float.POSITIVE_INFINITY), "weights.safetensors: tensor 'dense_0.weight' holds Infinity at index [1, 6]");
        assertRefused("state", dir -> replace(dir.resolve("optimizer.safetensors"), "dense_1.bias.v", 3, Float.NaN),
                "optimizer.safetensors: tensor 'dense_1.bias.v' holds NaN at index [3]");
    }

    @Test
    void aBrokenManifestIsRefusedByKey() throws IOException {
        Path dir = copy(run, tmp.resolve("manifest"));
        ObjectNode m = (ObjectNode) JSON.readTree(dir.resolve("checkpoint.json").toFile());
        m.put("generation", 0);
        Files.write(dir.resolve("checkpoint.json"), JSON.writeValueAsBytes(m));
        Map<String, byte[]> before = snapshot(dir);
        assertUserError("checkpoint.json: \"generation\" must be a count >= 1, got 0", "train", "--resume", dir.toString(),
                "--epochs", "3");
        assertSameFiles(before, dir);
    }

    private static void replace(Path file, String tensor, int index, float value) {
        SafeTensorsFile f = SafeTensors.read(file);
        Map<String, NamedTensor> t = new LinkedHashMap<>(f.tensors());
        NamedTensor old = t.get(tensor);
        float[] data = old.data().clone();
        data[index] = value;
        t.put(tensor, new NamedTensor(tensor, old.shape(), data));
        SafeTensors.write(file, new SafeTensorsFile(t, f.metadata()));
    }
}
