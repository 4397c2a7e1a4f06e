package io.myelin.saving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.myelin.backend.Backend;
import io.myelin.io.ModelFileException;
import io.myelin.io.NamedTensor;
import io.myelin.testing.UseBackend;
import io.myelin.train.ModelSpec;
import io.myelin.train.Sequential;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --init-weights from a PyTorch state dict (fixture: make_init_weights_fixture.py): values, report, refusals. */
class InitialWeightsTest {
    private static final String SPEC = """
            {"input_shape": [64],
             "layers": [{"type": "dense", "units": %d}, {"type": "batchnorm", "momentum": 0.9, "epsilon": 1e-5},
                        {"type": "prelu"}, {"type": "dense", "units": 10, "activation": "softmax"}],
             "loss": "sparse_categorical_crossentropy"}""";
    @UseBackend("cpu")
    private static Backend cpu;

    static Path fixture(String name) throws Exception {
        return Path.of(InitialWeightsTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void aPyTorchStateDictLoadsWithItsCounterIgnored() throws Exception {
        Path file = fixture("torch_bn_state_dict.safetensors");
        JsonNode expected = new ObjectMapper().readTree(fixture("torch_bn_state_dict.json").toFile()).get("tensors");
        try (Sequential m = ModelSpec.parse(SPEC.formatted(16), "s.json").build(cpu, 1)) {
            float slope = m.namedTensors().stream().filter(p -> p.name().equals("prelu_0.weight")).findFirst()
                    .orElseThrow().value().toArray()[0];
            InitialWeights w = ModelFiles.loadInitialWeights(m, file);
            assertEquals(List.of("dense_0.weight", "dense_0.bias", "batchnorm_0.weight", "batchnorm_0.bias",
                    "batchnorm_0.running_mean", "batchnorm_0.running_var", "dense_1.weight", "dense_1.bias"), w.loaded());
            assertEquals(List.of("prelu_0.weight"), w.notInFile());
            assertEquals(List.of("batchnorm_0.num_batches_tracked"), w.ignored());
            Map<String, NamedTensor> now = ModelFiles.exportTensors(m);
            for (String name : w.loaded()) {
                JsonNode values = expected.get(name).get("values");
                float[] got = now.get(name).data();
                assertEquals(values.size(), got.length, name);
                for (int i = 0; i < got.length; i++) {
                    assertEquals((float) values.get(i).asDouble(), got[i], 0f, name + "[" + i + "]");
                }
            }
            assertEquals(slope, now.get("prelu_0.weight").data()[0], "a tensor the file lacks keeps its value");
            assertEquals(List.of(
                    "init-weights: loaded 8 tensors from " + file + ": dense_0.weight, dense_0.bias, batchnorm_0.weight, "
                            + "batchnorm_0.bias, batchnorm_0.running_mean, batchnorm_0.running_var … and 2 more",
                    "init-weights: 1 model tensor not in the file keep their initial values: prelu_0.weight",
                    "init-weights: ignored 1 num_batches_tracked counter (PyTorch batch-norm step counts; Myelin's "
                            + "batch norm uses a fixed momentum)"), w.report());
        }
    }

    @Test
    void aTensorOfTheWrongShapeIsRefusedByName() throws Exception {
        Path file = fixture("torch_bn_state_dict.safetensors");
        try (Sequential m = ModelSpec.parse(SPEC.formatted(17), "s.json").build(cpu, 1)) {
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.loadInitialWeights(m, file));
            assertTrue(e.getMessage().startsWith(file + ": tensor 'dense_0.weight' has shape [16, 64] but the model "
                    + "expects [17, 64] (and 6 more tensors of another shape: dense_0.bias, batchnorm_0.weight, "), e.getMessage());
        }
    }

    @Test
    void aCounterOfNoBatchNormLayerIsStillUnknown() throws Exception {
        Path file = fixture("torch_mixed.safetensors");
        String spec = "{\"input_shape\": [2], \"layers\": [{\"type\": \"dense\", \"units\": 3}], \"loss\": \"mse\"}";
        try (Sequential m = ModelSpec.parse(spec, "s.json").build(cpu, 1)) {
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.loadInitialWeights(m, file));
            assertTrue(e.getMessage().contains("does not exist in the model"), e.getMessage());
        }
    }

    @Test
    void longListsAreShortened() {
        assertEquals("none", InitialWeights.names(List.of()));
        assertEquals("a, b", InitialWeights.names(List.of("a", "b")));
        assertEquals("a, b, c, d, e, f … and 3 more", InitialWeights.names(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")));
    }
}
