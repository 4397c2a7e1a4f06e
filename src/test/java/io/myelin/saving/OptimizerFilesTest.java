package io.myelin.saving;

import io.myelin.backend.Backend;
import io.myelin.io.ModelFileException;
import io.myelin.io.NamedTensor;
import io.myelin.io.SafeTensors;
import io.myelin.io.SafeTensorsFile;
import io.myelin.loss.Losses;
import io.myelin.nn.BatchNormalization;
import io.myelin.nn.Dense;
import io.myelin.nn.Parameter;
import io.myelin.optim.Adam;
import io.myelin.optim.Momentum;
import io.myelin.optim.Optimizer;
import io.myelin.optim.RmsProp;
import io.myelin.optim.Sgd;
import io.myelin.random.SeededRandom;
import io.myelin.train.EncodedData;
import io.myelin.testing.UseBackend;
import io.myelin.train.EncodedData;
import io.myelin.train.FitConfig;
import io.myelin.train.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** optimizer.safetensors: names, layout and metadata, an exact round trip, and strict loading. */
class OptimizerFilesTest {
    @UseBackend("cpu")
    private static Backend cpu;

    @TempDir
    Path tmp;

    private static Sequential model(Optimizer opt) {
        Sequential m = new Sequential(cpu, 4, 5);
        m.add(new Dense(5, "tanh")).add(new BatchNormalization()).add(new Dense(3, "softmax"));
        m.compile(Losses.create("sparse_categorical_crossentropy"), opt, List.of());
        return m;
    }

    private static Optimizer adam() {
        return Adam.builder().learningRate(0.01f).build();
    }

    private static Optimizer sgd() {
        return Sgd.builder().learningRate(0.1f).build();
    }

    private static Sequential trained(Supplier<Optimizer> opt) {
        SeededRandom r = new SeededRandom(1, 2);
        int n = 40;
        float[] x = new float[n * 4];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) r.nextGaussian();
            }
        }
        Sequential m = model(opt.get());
        m.fit(new EncodedData(x, y, n), FitConfig.builder().epochs(2).batchSize(8).build());
        m.optimizer().setLearningRate(0.0123f);
        return m;
    }

    @Test
    void adamStateRoundTripsExactlyWithPyTorchLayoutNames() {
        try (Sequential m = trained(OptimizerFilesTest::adam); Sequential fresh = model(adam())) {
            SafeTensorsFile exported = OptimizerFiles.export(m);
            Set<String> names = exported.tensors().keySet();
            assertEquals(Set.of("dense_0.weight.m", "dense_0.weight.v", "dense_0.bias.m", "dense_0.bias.v",
                    "batchnorm_0.weight.m", "batchnorm_0.weight.v", "batchnorm_0.bias.m", "batchnorm_0.bias.v",
                    "dense_1.weight.m", "dense_1.weight.v", "dense_1.bias.m", "dense_1.bias.v"), names);
            Parameter w = m.parameters().get(0);
            NamedTensor wm = exported.tensor("dense_0.weight.m");
            assertArrayEquals(new int[] {5, 4}, wm.shape(), "[out, in] as the weight in weights.safetensors");
            assertArrayEquals(ModelFiles.transpose(w.state(0).toArray(), 4, 5), wm.data());
            assertEquals(Map.of("format", "myelin-optimizer", "format_version", "1", "optimizer", "adam",
                    "step", "10", "lr", "0.0123", "momentum", "0.9"), exported.metadata());

            Path file = tmp.resolve("optimizer.safetensors");
            SafeTensors.write(file, exported);
            SafeTensorsFile read = SafeTensors.read(file);
            assertEquals(exported.metadata(), read.metadata());
            exported.tensors().forEach((k, t) -> assertEquals(t, read.tensor(k), k));

            OptimizerFiles.prepare(fresh, read, file).run();
            assertEquals(10, fresh.optimizer().steps());
            assertEquals(0.0123f, fresh.optimizer().learningRate());
            SafeTensorsFile again = OptimizerFiles.export(fresh);
            assertEquals(exported.metadata(), again.metadata());
            exported.tensors().forEach((k, t) -> assertEquals(t, again.tensor(k), k));
        }
    }

    @Test
    void plainSgdHasNoTensorsButKeepsItsStepAndLr() {
        try (Sequential m = trained(OptimizerFilesTest::sgd); Sequential fresh = model(sgd())) {
            SafeTensorsFile f = OptimizerFiles.export(m);
            assertTrue(f.tensors().isEmpty());
            Path file = tmp.resolve("sgd.safetensors");
            SafeTensors.write(file, f);
            OptimizerFiles.prepare(fresh, SafeTensors.read(file), file).run();
            assertEquals(10, fresh.optimizer().steps());
            assertEquals(0.0123f, fresh.optimizer().learningRate());
        }
    }

    @Test
    void momentumSlotIsCalledVelocity() {
        try (Sequential m = trained(() -> Momentum.builder().learningRate(0.05f).momentum(0.9f).build())) {
            SafeTensorsFile f = OptimizerFiles.export(m);
            assertTrue(f.tensors().containsKey("dense_1.bias.velocity"), f.tensors().keySet().toString());
            assertEquals("momentum", f.metadata().get("optimizer"));
        }
    }

    private void assertRefused(SafeTensorsFile f, Optimizer opt, String fragment) {
        try (Sequential fresh = model(opt)) {
            ModelFileException e = assertThrows(ModelFileException.class,
                    () -> OptimizerFiles.prepare(fresh, f, Path.of("optimizer.safetensors")));
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
            assertEquals(0, fresh.optimizer().steps(), "nothing applied");
            assertNull(fresh.parameters().get(0).state(0), "nothing applied");
        }
    }

    private static SafeTensorsFile edit(SafeTensorsFile f, java.util.function.Consumer<Map<String, NamedTensor>> change) {
        Map<String, NamedTensor> t = new LinkedHashMap<>(f.tensors());
        change.accept(t);
        return new SafeTensorsFile(t, f.metadata());
    }

    @Test
    void loadingRefusesStateThatDoesNotMatchTheModel() {
        try (Sequential m = trained(OptimizerFilesTest::adam)) {
            SafeTensorsFile f = OptimizerFiles.export(m);
            assertRefused(f, RmsProp.builder().learningRate(0.01f).build(),
                    "holds adam state but the model's optimizer is rmsprop");
            assertRefused(edit(f, t -> t.put("dense_7.weight.m", new NamedTensor("dense_7.weight.m", new int[] {1}, new float[1]))),
                    adam(), "'dense_7.weight.m' is not a state of the model's adam optimizer");
            assertRefused(edit(f, t -> t.put("dense_0.weight.u", new NamedTensor("dense_0.weight.u", new int[] {5, 4}, new float[20]))),
                    adam(), "'dense_0.weight.u' is not a state");
            assertRefused(edit(f, t -> t.put("dense_0.bias.m", new NamedTensor("dense_0.bias.m", new int[] {4}, new float[4]))),
                    adam(), "has shape [4] but parameter dense_0.bias has shape [5]");
            assertRefused(edit(f, t -> t.remove("dense_1.bias.v")), adam(), "[dense_1.bias.v] is missing");
            assertRefused(new SafeTensorsFile(ModelFiles.exportTensors(m), Map.of("format", "pt")), adam(),
                    "is not an optimizer state file");
            Map<String, String> meta = new LinkedHashMap<>(f.metadata());
            meta.put("step", "-3");
            assertRefused(new SafeTensorsFile(f.tensors(), meta), adam(), "'step' must be a count");
        }
    }
}
