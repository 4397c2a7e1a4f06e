package io.myelin.train;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.nn.Dense;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSpecTest {
    private static Backend cpu;

    @BeforeAll
    static void start() {
        cpu = Backends.create("cpu");
    }

    @AfterAll
    static void stop() {
        cpu.close();
    }

    private static final String ISSUE_SPEC = """
            {"input_shape": [6],
             "layers": [{"type": "dense", "units": 8, "activation": "tanh"},
                        {"type": "batchnorm", "momentum": 0.9, "epsilon": 1e-5},
                        {"type": "activation", "activation": "relu"},
                        {"type": "dropout", "rate": 0.2},
                        {"type": "dense", "units": 3, "activation": "softmax"}],
             "loss": "sparse_categorical_crossentropy",
             "optimizer": {"type": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7}}""";

    @Test
    void theIssueExampleBuilds() {
        try (Sequential m = ModelSpec.parse(ISSUE_SPEC, "spec.json").build(cpu, 1)) {
            assertEquals(5, m.layers().size());
            assertEquals(3, m.outputFeatures());
            assertEquals(0.01f, m.optimizer().learningRate());
            assertTrue(m.fusesSoftmax());
            assertEquals("tanh", ((Dense) m.layers().get(0)).activation().specName());
        }
    }

    private static String error(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.parse(json, "s.json").build(cpu, 1).close());
        return e.getMessage();
    }

    @Test
    void mistakesNameTheirPlace() {
        assertTrue(error(ISSUE_SPEC.replace("\"relu\"", "\"relux\"")).contains("layer 2 (activation): unknown activation 'relux'"));
        assertTrue(error(ISSUE_SPEC.replace("\"dropout\"", "\"droput\"")).contains("unknown layer type 'droput'"));
        assertTrue(error(ISSUE_SPEC.replace("\"rate\": 0.2", "\"rate\": 1.5")).contains("layer 3 (dropout)"));
        assertTrue(error(ISSUE_SPEC.replace("sparse_categorical_crossentropy", "crossentropy")).contains("unknown loss 'crossentropy'"));
        assertTrue(error(ISSUE_SPEC.replace("\"adam\"", "\"adagrad\"")).contains("unknown optimizer 'adagrad'"));
        assertTrue(error(ISSUE_SPEC.replace("\"lr\": 0.01", "\"lr\": -1")).contains("lr must be a positive number"));
        assertTrue(error(ISSUE_SPEC.replace("\"units\": 8, ", "")).contains("'units' is required"));
        assertTrue(error("{\"input_shape\": [6], \"layers\": [").contains("invalid JSON"));
        assertTrue(error(ISSUE_SPEC.replace("\"loss\"", "\"los\"")).contains("unknown key 'los'"));
        assertTrue(error(ISSUE_SPEC.replace("\"loss\"", "\"normalization\": \"zscore\", \"loss\""))
                .contains("'normalization' must be one of [min_max, z_score, none], got 'zscore'"));
    }

    @Test
    void normalizationIsOptionalAndNamed() {
        assertEquals(null, ModelSpec.parse(ISSUE_SPEC, "s.json").normalization());
        assertEquals("z_score", ModelSpec.parse(ISSUE_SPEC.replace("\"loss\"", "\"normalization\": \"z_score\", \"loss\""),
                "s.json").normalization());
    }
}
