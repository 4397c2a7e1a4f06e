package io.myelin.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Convolutional specs on the command line: training, summary, predict, and the image shape of the data. */
class CliCnnTest {
    @TempDir
    Path tmp;

    private static final String DIGITS_CNN = """
            {"input_shape": [1, 8, 8],
             "layers": [{"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"},
                        {"type": "maxpool2d"},
                        {"type": "conv2d", "filters": 16, "kernel_size": 3, "activation": "relu"},
                        {"type": "global_avgpool2d"},
                        {"type": "dense", "units": 10, "activation": "softmax"}],
             "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.01}}""";

    @Test
    void aCnnTrainsOnDigitsAndTheRunDirectoryWorks() throws IOException {
        Path spec = tmp.resolve("cnn.json");
        Files.writeString(spec, DIGITS_CNN);
        Path out = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--model", spec.toString(), "--epochs", "12", "--backend", "cpu",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String acc = r.out().replaceAll("(?s).*test accuracy: ([0-9.]+).*", "$1");
        assertTrue(Double.parseDouble(acc) > 0.85, "digits CNN test accuracy " + acc);

        CliRunner.Result sum = CliRunner.run("summary", out.toString());
        assertEquals(0, sum.code(), sum.err());
        assertTrue(sum.out().contains("(None, 8, 8, 8)"), sum.out());
        assertTrue(sum.out().contains("(None, 16, 2, 2)"), sum.out());
        assertTrue(sum.out().contains("Trainable params: " + (8 * 9 + 8 + 16 * 8 * 9 + 16 + 16 * 10 + 10)), sum.out());

        CliRunner.Result ev = CliRunner.run("evaluate", out.toString(), "--backend", "cpu");
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("test accuracy: " + acc), ev.out() + " vs " + acc);
    }

    @Test
    void dataThatDoesNotFillTheImageShapeIsOneErrorLine() throws IOException {
        Path spec = tmp.resolve("cnn.json");
        Files.writeString(spec, DIGITS_CNN.replace("[1, 8, 8]", "[1, 28, 28]"));
        Path out = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--model", spec.toString(), "--epochs", "1", "--backend", "cpu",
                "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("error: " + spec + ": input_shape [1, 28, 28] takes 784 values per sample, but "
                + "digits (built-in, UCI optical digits 8x8) has 64 values per sample (images [1, 8, 8])"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(out.resolve("weights.safetensors")), "nothing written");
    }

    @Test
    void aDenseLayerOnAnImageIsOneErrorLine() throws IOException {
        Path spec = tmp.resolve("bad.json");
        Files.writeString(spec, """
                {"input_shape": [1, 8, 8], "layers": [{"type": "dense", "units": 10, "activation": "softmax"}],
                 "loss": "sparse_categorical_crossentropy"}""");
        CliRunner.Result r = CliRunner.run("train", "--model", spec.toString(), "--epochs", "1", "--backend", "cpu",
                "--out", tmp.resolve("run").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("error: ") && r.err().contains("layer 0 (dense): dense needs a flat input, got "
                + "(1, 8, 8): put a flatten (or global_avgpool2d) layer before it"), r.err());
    }
}
