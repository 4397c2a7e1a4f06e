package io.myelin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.myelin.backend.Backend;
import io.myelin.testing.TestBackend;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every CLI output that names the backend names it as {@link io.myelin.backend.Capabilities#label}: plain
 * {@code cuda} on a GPU, {@code cuda (emulated)} on the CUDA emulator (start-up line, metrics.json, bench);
 * and training the digits run on a backend reaches the CPU's test accuracy within 0.5 points.
 */
class CliBackendLabelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.myelin.testing.TestBackends#available")
    void trainAndBenchNameTheBackendAsItIs(TestBackend backend) throws IOException {
        Backend be = backend.get();
        String label = be.capabilities().label(be.name());
        Path out = tmp.resolve("run-" + backend.name());
        CliRunner.Result r = CliRunner.run("train", "--epochs", "4", "--backend", backend.name(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("; backend: " + label + "\n"), r.err());
        JsonNode m = JSON.readTree(out.resolve("metrics.json").toFile());
        assertEquals(label, m.get("backend").asText());

        Path cpuOut = tmp.resolve("run-cpu-reference");
        CliRunner.Result cpu = CliRunner.run("train", "--epochs", "4", "--backend", "cpu", "--out", cpuOut.toString());
        assertEquals(0, cpu.code(), cpu.err());
        double cpuAccuracy = JSON.readTree(cpuOut.resolve("metrics.json").toFile()).get("test_accuracy").asDouble();
        double accuracy = m.get("test_accuracy").asDouble();
        System.out.printf("digits, 4 epochs: test accuracy %.4f on %s, %.4f on cpu%n", accuracy, label, cpuAccuracy);
        assertEquals(cpuAccuracy, accuracy, 0.005, "test accuracy on " + label + " against the cpu's");

        CliRunner.Result bench = CliRunner.run("bench", "--data", "synthetic", "--samples", "64", "--features", "8",
                "--hidden", "4", "--batch-size", "16", "--epochs", "1", "--backend", backend.name(), "--format", "json");
        assertEquals(0, bench.code(), bench.err());
        JsonNode j = JSON.readTree(bench.out().strip());
        assertEquals(label, j.get("backend").asText());
        assertTrue(j.get("backend_detail").asText().contains(label.endsWith("(emulated)") ? "emulated" : ""),
                j.get("backend_detail").asText());
        CliRunner.Result text = CliRunner.run("bench", "--data", "synthetic", "--samples", "64", "--features", "8",
                "--hidden", "4", "--batch-size", "16", "--epochs", "1", "--backend", backend.name());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("bench: " + label + " | synthetic"), text.out());
    }
}
