package io.myelin.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train --init-weights}: says what it loaded and what the file lacks, takes a PyTorch state dict. */
class CliInitWeightsTest {
    @TempDir
    Path tmp;

    private Path spec(int units) throws Exception {
        Path spec = tmp.resolve("bn" + units + ".json");
        Files.writeString(spec, """
                {"input_shape": [64],
                 "layers": [{"type": "dense", "units": %d}, {"type": "batchnorm"}, {"type": "prelu"},
                            {"type": "dense", "units": 10, "activation": "softmax"}],
                 "loss": "sparse_categorical_crossentropy"}""".formatted(units));
        return spec;
    }

    @Test
    void aPyTorchStateDictIsReportedOneLinePerKind() throws Exception {
        Path weights = Path.of(getClass().getResource("/fixtures/torch_bn_state_dict.safetensors").toURI());
        Path out = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--model", spec(16).toString(), "--init-weights", weights.toString(),
                "--epochs", "1", "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.err().lines().filter(l -> l.startsWith("init-weights: ")).count(), r.err());
        assertTrue(r.err().contains("init-weights: loaded 8 tensors from " + weights + ": dense_0.weight, "), r.err());
        assertTrue(r.err().contains("init-weights: 1 model tensor not in the file keep their initial values: prelu_0.weight"), r.err());
        assertTrue(r.err().contains("init-weights: ignored 1 num_batches_tracked counter"), r.err());
    }

    @Test
    void aTensorOfTheWrongShapeIsAnErrorNamingIt() throws Exception {
        Path weights = Path.of(getClass().getResource("/fixtures/torch_bn_state_dict.safetensors").toURI());
        Path out = tmp.resolve("never");
        CliTest.assertUserError("but the model expects [17", "train", "--model", spec(17).toString(), "--init-weights",
                weights.toString(), "--epochs", "1", "--backend", "cpu", "--out", out.toString());
        assertFalse(Files.exists(out));
    }
}
