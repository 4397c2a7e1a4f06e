package io.myelin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command-line contract: outputs of a training run, and one clear line for each user mistake. */
class CliTest {
    static CliRunner.Result run(String... args) {
        return CliRunner.run(args);
    }

    @TempDir
    Path tmp;

    @Test
    void trainOnDigitsWritesTheRunDirectory() throws IOException {
        Path out = tmp.resolve("run");
        CliRunner.Result r = run("train", "--epochs", "4", "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test accuracy:"), r.out());
        for (String f : new String[] {"model.json", "weights.safetensors", "optimizer.safetensors", "training_state.json",
                "history.csv", "metrics.json", "curves.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals("cpu", m.get("backend").asText());
        assertEquals(4, m.get("epochs").asInt());
        assertEquals(4, m.get("epoch_seconds").size());
        assertTrue(m.get("train_loss").asDouble() > 0);
        assertTrue(m.get("test_accuracy").asDouble() > 0.85, "digits accuracy after 4 epochs: " + m.get("test_accuracy"));
        assertEquals(5, Files.readAllLines(out.resolve("history.csv")).size());

        CliRunner.Result ev = run("evaluate", out.toString(), "--backend", "cpu");
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains(String.format(java.util.Locale.ROOT, "test accuracy: %.4f",
                m.get("test_accuracy").asDouble())), ev.out() + " vs " + m.get("test_accuracy"));

        CliRunner.Result sum = run("summary", out.toString());
        assertEquals(0, sum.code(), sum.err());
        assertTrue(sum.out().contains("dense_2 (dense)"), sum.out());

        Path init = out.resolve("weights.safetensors");
        CliRunner.Result again = run("train", "--epochs", "1", "--backend", "cpu", "--init-weights", init.toString(),
                "--out", tmp.resolve("run2").toString());
        assertEquals(0, again.code(), again.err());
    }

    @Test
    void theSpecChoosesZScoreNormalization() throws IOException {
        Path spec = tmp.resolve("z.json");
        Files.writeString(spec, "{\"input_shape\": [64], \"normalization\": \"z_score\", \"layers\": ["
                + "{\"type\": \"dense\", \"units\": 32, \"activation\": \"relu\"},"
                + "{\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}],"
                + " \"loss\": \"sparse_categorical_crossentropy\"}");
        Path out = tmp.resolve("zrun");
        CliRunner.Result r = run("train", "--model", spec.toString(), "--epochs", "3", "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode model = new ObjectMapper().readTree(out.resolve("model.json").toFile());
        JsonNode norm = model.get("normalization");
        assertEquals("z_score", norm.get("kind").asText());
        // Digits pixels are 0..16: z-score shifts differ per pixel (min-max for images shares one range).
        double first = norm.get("shift").get(20).asDouble();
        double other = norm.get("shift").get(36).asDouble();
        assertTrue(first != other && first > 0, "per-pixel means: " + first + ", " + other);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        CliRunner.Result ev = run("evaluate", out.toString(), "--backend", "cpu");
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains(String.format(java.util.Locale.ROOT, "test accuracy: %.4f",
                m.get("test_accuracy").asDouble())), ev.out() + " vs " + m.get("test_accuracy"));
    }

    static void assertUserError(String expectedFragment, String... args) {
        CliRunner.Result r = run(args);
        assertEquals(2, r.code(), "exit code for " + String.join(" ", args) + "\n" + r.err());
        String[] lines = r.err().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("error: ") && last.contains(expectedFragment), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void userMistakesGiveOneLineAndNoFiles() throws IOException {
        Path out = tmp.resolve("never");
        assertUserError("no such file", "train", "--data", tmp.resolve("missing.csv").toString(), "--out", out.toString());
        assertUserError("--epochs must be at least 1", "train", "--epochs", "0", "--out", out.toString());
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, "{\"input_shape\": [64], \"layers\": [{\"type\": \"dense\", \"units\": 10, "
                + "\"activation\": \"softmaxx\"}], \"loss\": \"sparse_categorical_crossentropy\"}");
        assertUserError("layer 0 (dense): unknown activation \"softmaxx\"; did you mean \"softmax\"?", "train", "--model", spec.toString(), "--out", out.toString());
        Files.writeString(spec, "{\"input_shape\": [6], \"layers\": [{\"type\": \"dense\", \"units\": 10, "
                + "\"activation\": \"softmax\"}], \"loss\": \"sparse_categorical_crossentropy\"}");
        assertUserError("input_shape [6] takes 6 values per sample, but digits (built-in, UCI optical digits 8x8) has 64 "
                + "values per sample (images [1, 8, 8])", "train", "--model", spec.toString(), "--backend", "cpu", "--out", out.toString());
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "a,b,label\n1,2,0\n3,x,1\n");
        assertUserError("row 2 (line 3), column 'b': 'x' is not a number", "train", "--data", csv.toString(), "--out", out.toString());
        assertFalse(Files.exists(out), "no output directory after an error");
    }

    @Test
    void cudaWithoutAGpuIsAnErrorNotAFallback() {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                io.myelin.backend.Backends.providers().stream().anyMatch(p -> p.name().equals("cuda") && p.availability().available()),
                "a CUDA device is present; this test checks the no-GPU error");
        assertUserError("cuda", "train", "--backend", "cuda", "--epochs", "1", "--out", tmp.resolve("x").toString());
    }
}
