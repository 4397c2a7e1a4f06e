package io.myelin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.myelin.io.NamedTensor;
import io.myelin.io.SafeTensors;
import io.myelin.io.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.myelin.cli.CliTest.assertUserError;
import static io.myelin.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code myelin train --resume RUN_DIR}: the same run as training straight, and one clear line per mistake. */
class CliResumeTest {
    /** Dropout, batch norm, Adam and an epoch-wise step decay: every piece of state a resume must carry. */
    static final String SPEC = "{\"input_shape\": [64], \"layers\": ["
            + "{\"type\": \"dense\", \"units\": 32, \"activation\": \"relu\"}, {\"type\": \"batchnorm\"},"
            + "{\"type\": \"dropout\", \"rate\": 0.2}, {\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}],"
            + "\"loss\": \"sparse_categorical_crossentropy\", \"optimizer\": {\"type\": \"adam\", \"lr\": 0.01},"
            + "\"lr_schedule\": {\"type\": \"step_decay\", \"factor\": 0.5, \"every\": 1}}";

    @TempDir
    Path tmp;

    private Path spec() throws IOException {
        Path p = tmp.resolve("spec.json");
        Files.writeString(p, SPEC);
        return p;
    }

    static void train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--backend", "cpu", "--out", out.toString()));
        args.addAll(List.of(extra));
        CliRunner.Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
    }

    /** history.csv without the epoch_seconds column. */
    static List<String> historyWithoutTimes(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("history.csv"));
        int col = List.of(lines.get(0).split(",")).indexOf("epoch_seconds");
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",")));
            cells.remove(col);
            out.add(String.join(",", cells));
        }
        return out;
    }

    static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void resumeContinuesTheRunExactlyAsTrainingStraight() throws IOException {
        Path straight = tmp.resolve("straight");
        Path run = tmp.resolve("run");
        String specPath = spec().toString();
        train(straight, "--model", specPath, "--epochs", "4", "--validation-split", "0.1", "--seed", "7");
        train(run, "--model", specPath, "--epochs", "2", "--validation-split", "0.1", "--seed", "7");
        assertEquals(3, Files.readAllLines(run.resolve("history.csv")).size());

        CliRunner.Result r = run("train", "--resume", run.toString(), "--epochs", "4", "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming " + run + " at epoch 3 of 4"), r.err());
        for (String f : new String[] {"weights.safetensors", "optimizer.safetensors"}) {
            assertArrayEquals(Files.readAllBytes(straight.resolve(f)), Files.readAllBytes(run.resolve(f)), f);
        }
        assertEquals(historyWithoutTimes(straight), historyWithoutTimes(run), "full history, old and new epochs");
        JsonNode a = json(straight.resolve("metrics.json"));
        JsonNode b = json(run.resolve("metrics.json"));
        assertEquals(4, b.get("epochs").asInt());
        assertEquals(4, b.get("epoch_seconds").size());
        assertEquals(a.get("test_accuracy"), b.get("test_accuracy"));
        assertEquals(a.get("final_val_loss"), b.get("final_val_loss"));
        JsonNode state = json(run.resolve("training_state.json"));
        assertEquals(4, state.get("epochs_completed").asInt());
        assertEquals(7, state.get("seed").asInt());
        assertEquals(json(straight.resolve("training_state.json")).get("global_step"), state.get("global_step"));
        JsonNode training = json(run.resolve("model.json")).get("training");
        assertEquals("digits", training.get("data").asText());
        assertEquals(90, training.get("lr_schedule_steps").asInt(), "the schedule keeps its planned length (2 x 45 steps)");

        assertUserError("has already done all 4 of its epochs; give --epochs N with N > 4",
                "train", "--resume", run.toString(), "--backend", "cpu");

        Path more = tmp.resolve("more");
        CliRunner.Result r2 = run("train", "--resume", run.toString(), "--epochs", "5", "--out", more.toString(),
                "--backend", "cpu");
        assertEquals(0, r2.code(), r2.err());
        assertEquals(6, Files.readAllLines(more.resolve("history.csv")).size());
        assertEquals(5, Files.readAllLines(run.resolve("history.csv")).size(), "--out leaves RUN_DIR as it was");
        assertEquals(0, run("evaluate", more.toString(), "--backend", "cpu", "--seed", "7").code());
    }

    static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    static void assertSameFiles(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> after = snapshot(dir);
        assertEquals(before.keySet(), after.keySet(), "no file added or removed in " + dir);
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " unchanged"));
    }

    static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    @Test
    void resumeMistakesGiveOneLineAndWriteNothing() throws IOException {
        Path run = tmp.resolve("run");
        train(run, "--model", spec().toString(), "--epochs", "2");
        Map<String, byte[]> before = snapshot(run);
        Path out = tmp.resolve("never");
        String r = run.toString();
        String o = out.toString();

        assertUserError("--resume " + tmp.resolve("missing") + ": no such directory",
                "train", "--resume", tmp.resolve("missing").toString(), "--out", o);
        assertUserError("is not a run directory", "train", "--resume", tmp.toString(), "--out", o);
        assertUserError("is not a run directory", "train", "--resume", run.resolve("model.json").toString(), "--out", o);
        assertUserError("--epochs 2 must be larger than the 2 epochs", "train", "--resume", r, "--epochs", "2");
        assertUserError("--epochs 1 must be larger than the 2 epochs", "train", "--resume", r, "--epochs", "1");
        assertUserError("--model cannot be combined with --resume", "train", "--resume", r, "--model", spec().toString());
        assertUserError("--seed cannot be combined with --resume", "train", "--resume", r, "--seed", "42", "--epochs", "3");
        assertUserError("--init-weights cannot be combined with --resume",
                "train", "--resume", r, "--init-weights", run.resolve("weights.safetensors").toString());
        assertUserError("--validation-split cannot be combined with --resume",
                "train", "--resume", r, "--validation-split", "0.2");

        Path damaged = copy(run, tmp.resolve("damaged"));
        Files.delete(damaged.resolve("optimizer.safetensors"));
        assertUserError(damaged.resolve("optimizer.safetensors") + " is not the file " + damaged.resolve("checkpoint.json")
                + " lists", "train", "--resume", damaged.toString(), "--epochs", "3", "--out", o);

        // Directories as earlier versions wrote them (no checkpoint.json) or edited by hand (the manifest removed).
        Path old = copy(run, tmp.resolve("old"));
        Files.delete(old.resolve("checkpoint.json"));
        Files.delete(old.resolve("optimizer.safetensors"));
        assertUserError("has no optimizer.safetensors: the run was written by an older version of myelin",
                "train", "--resume", old.toString(), "--epochs", "3", "--out", o);

        Path renamed = copy(run, tmp.resolve("renamed"));
        Files.delete(renamed.resolve("checkpoint.json"));
        SafeTensorsFile opt = SafeTensors.read(run.resolve("optimizer.safetensors"));
        Map<String, NamedTensor> t = new LinkedHashMap<>(opt.tensors());
        NamedTensor m = t.remove("dense_1.weight.m");
        t.put("dense_9.weight.m", new NamedTensor("dense_9.weight.m", m.shape(), m.data()));
        SafeTensors.write(renamed.resolve("optimizer.safetensors"), new SafeTensorsFile(t, opt.metadata()));
        assertUserError("tensor 'dense_9.weight.m' is not a state of the model's adam optimizer",
                "train", "--resume", renamed.toString(), "--epochs", "3", "--out", o);
        Map<String, byte[]> renamedBefore = snapshot(renamed);
        assertUserError("is not a state", "train", "--resume", renamed.toString(), "--epochs", "3");
        assertSameFiles(renamedBefore, renamed);

        Path otherModel = copy(run, tmp.resolve("other-model"));
        Files.delete(otherModel.resolve("checkpoint.json"));
        SafeTensorsFile w = SafeTensors.read(run.resolve("weights.safetensors"));
        Map<String, NamedTensor> wt = new LinkedHashMap<>(w.tensors());
        wt.put("dense_1.bias", new NamedTensor("dense_1.bias", new int[] {3}, new float[3]));
        SafeTensors.write(otherModel.resolve("weights.safetensors"), new SafeTensorsFile(wt, w.metadata()));
        assertUserError("tensor 'dense_1.bias' has shape [3] but the model expects [10]",
                "train", "--resume", otherModel.toString(), "--epochs", "3", "--out", o);

        assertFalse(Files.exists(out), "no output directory after an error");
        assertSameFiles(before, run);
    }
}
