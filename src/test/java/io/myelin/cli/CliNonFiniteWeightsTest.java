package io.myelin.cli;

import io.myelin.io.NamedTensor;
import io.myelin.io.SafeTensors;
import io.myelin.io.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Non-finite weights never reach a run directory: {@code --init-weights} refuses NaN and infinities by tensor
 * and index, and weights that overflow in training end the run as diverged (exit 3), even with a finite loss.
 */
class CliNonFiniteWeightsTest {
    private static final String SPEC = "{\"input_shape\": [64], \"layers\": ["
            + "{\"type\": \"dense\", \"units\": 16, \"activation\": \"relu\"},"
            + "{\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}],"
            + "\"loss\": \"sparse_categorical_crossentropy\"}";

    @TempDir
    Path tmp;

    private Path initFile(float value, int at) throws Exception {
        float[] w = new float[16 * 64];
        Arrays.fill(w, 0.01f);
        w[at] = value;
        Path f = tmp.resolve("init-" + at + ".safetensors");
        SafeTensors.write(f, new SafeTensorsFile(Map.of("dense_0.weight", new NamedTensor("dense_0.weight",
                new int[] {16, 64}, w)), Map.of()));
        return f;
    }

    @Test
    void initWeightsWithNaNOrInfinityAreRefusedByTensorAndIndex() throws Exception {
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, SPEC);
        Path out = tmp.resolve("never");
        Path nan = initFile(Float.NaN, 130);
        CliTest.assertUserError(nan + ": tensor 'dense_0.weight' holds NaN at index [2, 2] (flat 130); every value must "
                + "be finite", "train", "--model", spec.toString(), "--init-weights", nan.toString(), "--out", out.toString());
        Path inf = initFile(Float.NEGATIVE_INFINITY, 0);
        CliTest.assertUserError("tensor 'dense_0.weight' holds -Infinity at index [0, 0]", "train", "--model",
                spec.toString(), "--init-weights", inf.toString(), "--out", out.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void weightsNearTheFloatLimitEndTheRunAsDivergedWithoutWritingNonFiniteWeights() throws Exception {
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, SPEC);
        float[] w = new float[16 * 64];
        Arrays.fill(w, 3e38f);
        Path init = tmp.resolve("huge.safetensors");
        SafeTensors.write(init, new SafeTensorsFile(Map.of("dense_0.weight", new NamedTensor("dense_0.weight",
                new int[] {16, 64}, w)), Map.of()));
        Path out = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--backend", "cpu", "--model", spec.toString(), "--init-weights",
                init.toString(), "--epochs", "2", "--out", out.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.lastErrLine().startsWith("error: training diverged: "), r.err());
        for (NamedTensor t : SafeTensors.read(out.resolve("weights.safetensors")).tensors().values()) {
            for (float v : t.data()) {
                assertTrue(Float.isFinite(v), t.name() + " holds " + v);
            }
        }
    }
}
