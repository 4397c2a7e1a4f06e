package io.myelin.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A typo in each kind of spec object, through {@code myelin train --model}: exit 2, one {@code error:} line that
 * names the file, the place and the key, and no run directory.
 */
class CliSpecTest {
    private static final String SPEC = """
            {"input_shape": [64],
             "layers": [{"type": "dense", "units": 16, "activation": "relu", "kernel_initializer": "he_normal"},
                        {"type": "batchnorm", "momentum": 0.9},
                        {"type": "dropout", "rate": 0.1},
                        {"type": "prelu"},
                        {"type": "activation", "activation": "tanh"},
                        {"type": "dense", "units": 10, "activation": "softmax"}],
             "loss": "sparse_categorical_crossentropy",
             "optimizer": {"type": "sgd", "lr": 0.05, "momentum": 0.9},
             "lr_schedule": {"type": "step_decay", "factor": 0.5, "every": 2}}""";

    @TempDir
    Path tmp;

    /** Trains with SPEC where {@code from} is replaced by {@code to}; returns the single error line. */
    private String refused(String from, String to) throws IOException {
        assertTrue(SPEC.contains(from), from);
        Path spec = tmp.resolve("bad.json");
        Files.writeString(spec, SPEC.replace(from, to));
        Path out = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--model", spec.toString(), "--epochs", "1", "--backend", "cpu",
                "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error:")).count(), r.err());
        assertFalse(Files.exists(out), "nothing written");
        String last = r.lastErrLine();
        assertTrue(last.startsWith("error: " + spec + ": "), last);
        return last.substring(("error: " + spec + ": ").length());
    }

    @Test
    void theUnchangedSpecTrains() {
        Path out = tmp.resolve("ok");
        try {
            Files.writeString(tmp.resolve("ok.json"), SPEC);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        CliRunner.Result r = CliRunner.run("train", "--model", tmp.resolve("ok.json").toString(), "--epochs", "1",
                "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(out.resolve("model.json")));
        // The start line shows the hidden width and the counts of summary: dense 64*16+16 = 1040, batch norm
        // 16+16 trainable and 16+16 running statistics, prelu 16 slopes, dense 16*10+10 = 170.
        long trainable = 1040 + 32 + 16 + 170;
        long total = trainable + 32;
        assertTrue(r.err().contains("; model: 64 -> 16 -> 10, " + total + " parameters (" + trainable + " trainable); "),
                r.err());
        CliRunner.Result summary = CliRunner.run("summary", out.toString());
        assertEquals(0, summary.code(), summary.err());
        assertTrue(summary.out().contains("Total params: " + total + "\nTrainable params: " + trainable + "\n"),
                summary.out());
    }

    @Test
    void aTypoInEveryKindOfObjectIsRefused() throws IOException {
        assertTrue(refused("\"activation\": \"relu\"", "\"activaton\": \"relu\"").startsWith(
                "layer 0 (dense): unknown key \"activaton\"; did you mean \"activation\"? known keys: type, units, activation,"));
        assertTrue(refused("\"momentum\": 0.9}", "\"momentun\": 0.9}").startsWith(
                "layer 1 (batchnorm): unknown key \"momentun\"; did you mean \"momentum\"? known keys: type, momentum, epsilon,"));
        assertEquals("layer 2 (dropout): unknown key \"rat\"; did you mean \"rate\"? known keys: type, rate, name, trainable",
                refused("\"rate\"", "\"rat\""));
        assertEquals("layer 3 (prelu): unknown key \"initial_slop\"; did you mean \"initial_slope\"? known keys: type, "
                + "initial_slope, name, trainable", refused("{\"type\": \"prelu\"}", "{\"type\": \"prelu\", \"initial_slop\": 0.1}"));
        assertTrue(refused("\"activation\": \"tanh\"", "\"activation\": \"tanh\", \"activation_parm\": 1").startsWith(
                "layer 4 (activation): unknown key \"activation_parm\"; did you mean \"activation_param\"?"));
        assertTrue(refused("\"he_normal\"", "\"he_normal\", \"kernel_initializer_param\": {}").startsWith(
                "layer 0 (dense): unknown key \"kernel_initializer_param\"; did you mean \"kernel_initializer_params\"?"));
        assertEquals("optimizer: unknown key \"momentun\"; did you mean \"momentum\"? known keys: type, lr, momentum, "
                + "nesterov, ewa, bias_correction, weight_decay, clipnorm", refused("\"lr\": 0.05, \"momentum\"", "\"lr\": 0.05, \"momentun\""));
        assertTrue(refused("\"lr\": 0.05", "\"learning_rate\": 0.05").startsWith(
                "optimizer: unknown key \"learning_rate\"; did you mean \"lr\"?"));
        assertEquals("lr_schedule: unknown key \"factr\"; did you mean \"factor\"? known keys: type, factor, every, warmup_steps",
                refused("\"factor\"", "\"factr\""));
        assertEquals("loss: unknown key \"delt\"; did you mean \"delta\"? known keys: type, delta",
                refused("\"sparse_categorical_crossentropy\"", "{\"type\": \"huber\", \"delt\": 2}"));
        assertTrue(refused("\"loss\"", "\"los\"").startsWith("unknown key \"los\"; did you mean \"loss\"? known keys: "
                + "input_shape, normalization, layers, loss, optimizer, lr_schedule, metrics"));
    }

    @Test
    void wrongTypesAndFractionsAreRefusedByKey() throws IOException {
        assertEquals("layer 0 (dense): \"units\" must be an integer, got 32.7", refused("\"units\": 16", "\"units\": 32.7"));
        assertEquals("layer 0 (dense): \"units\" is too large: 1e12 (at most 2147483647)", refused("\"units\": 16", "\"units\": 1e12"));
        assertEquals("layer 1 (batchnorm): \"trainable\" must be true or false, got the string \"true\"",
                refused("\"momentum\": 0.9}", "\"momentum\": 0.9, \"trainable\": \"true\"}"));
        assertTrue(refused("{\"type\": \"sgd\", \"lr\": 0.05, \"momentum\": 0.9}", "[\"sgd\"]")
                .startsWith("\"optimizer\" must be a name or an object"));
        assertEquals("lr_schedule: \"every\" must be an integer, got 2.5", refused("\"every\": 2", "\"every\": 2.5"));
        assertEquals("layer 0 (dense): \"kernel_initializer_params\" must be a JSON object, got the string \"0.1\"",
                refused("\"he_normal\"", "\"he_normal\", \"kernel_initializer_params\": \"0.1\""));
        assertEquals("\"input_shape\"[0] must be an integer, got 64.5", refused("[64]", "[64.5]"));
    }
}
