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

/** {@code myelin bench}: one clear line per argument mistake, and the fields of a tiny run (no timing assertions). */
class BenchCommandTest {
    @TempDir
    Path tmp;

    private static void assertUserError(String expectedFragment, String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(2, r.code(), "exit code for " + String.join(" ", args) + "\n" + r.err());
        assertTrue(r.lastErrLine().startsWith("error: ") && r.lastErrLine().contains(expectedFragment), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals("", r.out(), "nothing on stdout after an error");
    }

    @Test
    void argumentMistakesGiveOneLine() throws IOException {
        assertUserError("--epochs must be at least 1", "bench", "--data", "synthetic", "--epochs", "0");
        assertUserError("--steps must be at least 1", "bench", "--steps", "0");
        assertUserError("not both", "bench", "--epochs", "2", "--steps", "5");
        assertUserError("--batch-size must be at least 1", "bench", "--data", "synthetic", "--batch-size", "0");
        assertUserError("--hidden takes comma-separated widths", "bench", "--hidden", "256,x");
        assertUserError("--hidden widths must be at least 1", "bench", "--hidden", "64,0");
        assertUserError("--data must be fashion-mnist or synthetic", "bench", "--data", "imagenet");
        assertUserError("--format must be text or json", "bench", "--format", "xml");
        assertUserError("--warmup-steps must be at least 0", "bench", "--steps", "3", "--warmup-steps", "-1");
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, "{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 1, "
                + "\"activation\": \"sigmoid\"}], \"loss\": \"binary_crossentropy\"}");
        assertUserError("--model or --hidden, not both", "bench", "--model", spec.toString(), "--hidden", "8");
        assertUserError("does not exist", "bench", "--model", tmp.resolve("missing.json").toString(), "--data", "synthetic");
        assertUserError("must be sparse_categorical_crossentropy, not 'binary_crossentropy'", "bench", "--model",
                spec.toString(), "--data", "synthetic", "--samples", "16", "--epochs", "1", "--backend", "cpu");
        Files.writeString(spec, "{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 3, "
                + "\"activation\": \"softmax\"}], \"loss\": \"sparse_categorical_crossentropy\"}");
        assertUserError("3 outputs but the synthetic data have 10 classes", "bench", "--model", spec.toString(),
                "--data", "synthetic", "--samples", "16", "--epochs", "1", "--backend", "cpu");
    }

    private static JsonNode benchJson(String... args) throws IOException {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, "json mode prints exactly one line: " + r.out());
        return new ObjectMapper().readTree(lines[0]);
    }

    @Test
    void epochModeSmokeRunReportsEveryField() throws IOException {
        JsonNode j = benchJson("bench", "--data", "synthetic", "--samples", "256", "--hidden", "16", "--batch-size", "32",
                "--epochs", "1", "--backend", "cpu", "--format", "json");
        assertEquals("myelin", j.get("system").asText());
        assertEquals("cpu", j.get("backend").asText());
        assertEquals("synthetic", j.get("data").asText());
        assertEquals("784-16-10", j.get("model").asText());
        assertEquals(784 * 16 + 16 + 16 * 10 + 10, j.get("params").asLong());
        assertEquals(32, j.get("batch_size").asInt());
        assertEquals("epochs", j.get("mode").asText());
        assertEquals(1, j.get("warmup").asInt());
        assertEquals(1, j.get("epoch_seconds").size());
        assertTrue(j.get("epoch_seconds").get(0).asDouble() > 0);
        assertTrue(j.get("epoch_seconds_median").asDouble() > 0);
        assertEquals(256 / 32, j.get("steps_timed").asInt(), "the timed epoch's steps");
        assertTrue(j.get("step_ms_median").asDouble() > 0);
        assertTrue(j.get("step_ms_mean").asDouble() > 0);
        assertTrue(j.get("test_accuracy").isNull(), "no test split on synthetic data");
        assertTrue(j.get("train_loss").asDouble() > 0);
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertTrue(j.get("peak_rss_mb").asDouble() > 0);
        }
    }

    @Test
    void stepModeTimesExactlyTheRequestedSteps() throws IOException {
        JsonNode j = benchJson("bench", "--steps", "5", "--warmup-steps", "2", "--hidden", "8,8", "--batch-size", "16",
                "--features", "12", "--classes", "3", "--backend", "cpu", "--format", "json");
        assertEquals("synthetic", j.get("data").asText(), "step mode defaults to synthetic data");
        assertEquals("12-8-8-3", j.get("model").asText());
        assertEquals("steps", j.get("mode").asText());
        assertEquals(2, j.get("warmup").asInt());
        assertEquals(5, j.get("steps_timed").asInt());
        assertEquals(0, j.get("epoch_seconds").size());
        assertTrue(j.get("epoch_seconds_median").isNull());
        assertTrue(j.get("step_ms_median").asDouble() > 0);
    }

    @Test
    void textModeIsReadable() {
        CliRunner.Result r = CliRunner.run("bench", "--data", "synthetic", "--samples", "64", "--features", "8",
                "--hidden", "4", "--batch-size", "16", "--epochs", "2", "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("bench: cpu | synthetic | 8-4-10"), r.out());
        assertTrue(r.out().contains("epoch 2: "), r.out());
        assertTrue(r.out().contains("median epoch: "), r.out());
        assertTrue(r.out().contains("median step: "), r.out());
    }
}
