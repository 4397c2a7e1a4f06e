package io.myelin.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.io.NamedTensor;
import io.myelin.nn.ForwardContext;
import io.myelin.nn.Parameter;
import io.myelin.saving.ModelFiles;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import io.myelin.testing.TestBackend;
import io.myelin.testing.TestBackends;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trains small models a few steps from PyTorch's initial weights on PyTorch's batches and compares the
 * losses, first-step gradients, final weights and inference loss with the values PyTorch computed
 * (src/test/resources/reference/make_reference.py, Debian python3-torch), on every backend ({@link TestBackends});
 * the tolerances hold for float32 CUDA as for the CPU.
 */
class ReferenceTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicContainer> everyFixtureMatchesPyTorchOnEveryBackend() throws IOException, URISyntaxException {
        Path dir = Path.of(ReferenceTrainingTest.class.getResource("/reference").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "expected the reference fixtures, found " + files);
        return TestBackends.names().stream().map(backend -> DynamicContainer.dynamicContainer(backend, files.stream()
                .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                    try (TestBackend handle = TestBackends.handle(backend)) {
                        check(handle.get(), f);
                    }
                }))));
    }

    @SuppressWarnings("unchecked")
    private static void check(Backend cpu, Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = root.get("case").asText();
        ModelSpec spec = ModelSpec.of(JSON.convertValue(root.get("spec"), Map.class));
        float[][] x = JSON.convertValue(root.get("x"), float[][].class);
        float[] y = flatten(root.get("y"));
        int n = x.length;
        int d = x[0].length;
        int yCols = y.length / n;
        try (Sequential m = spec.build(cpu, 1)) {
            setTensors(m, root.get("init"));
            int step = 0;
            for (JsonNode batch : root.get("batches")) {
                int[] idx = JSON.convertValue(batch, int[].class);
                float[] xb = new float[idx.length * d];
                float[] yb = new float[idx.length * yCols];
                for (int i = 0; i < idx.length; i++) {
                    System.arraycopy(x[idx[i]], 0, xb, i * d, d);
                    System.arraycopy(y, idx[i] * yCols, yb, i * yCols, yCols);
                }
                double expectedLoss = root.get("losses").get(step).asDouble();
                double loss;
                try (Scope s = Scope.open(); Tape tape = Tape.open()) {
                    double penalty = m.penalty();
                    Tensor out = m.forward(Tensor.of(cpu, xb, idx.length, d),
                            new ForwardContext(true, false, m.seed(), step, m.fusesSoftmax()));
                    Tensor l = m.dataLoss(out, Tensor.of(cpu, yb, idx.length, yCols));
                    loss = l.item() + penalty;
                    tape.backward(l);
                    if (step == 0) {
                        compareGradients(name, m, root.get("grads_step1"));
                    }
                    m.optimizer().step(m.parameters());
                }
                assertEquals(expectedLoss, loss, 1e-4 + 1e-4 * Math.abs(expectedLoss), name + " loss at step " + (step + 1));
                step++;
            }
            Map<String, NamedTensor> finals = ModelFiles.exportTensors(m);
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("final").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertClose(name + " final " + e.getKey(), flatten(e.getValue().get("data")), finals.get(e.getKey()).data(), 2e-4);
            }
            float[] allX = new float[n * d];
            for (int i = 0; i < n; i++) {
                System.arraycopy(x[i], 0, allX, i * d, d);
            }
            double eval = m.evaluate(new EncodedData(allX, y, n)).get("loss");
            double expectedEval = root.get("eval_loss").asDouble();
            assertEquals(expectedEval, eval, 2e-4 + 2e-4 * Math.abs(expectedEval), name + " eval loss");
        }
    }

    private static void compareGradients(String name, Sequential m, JsonNode grads) {
        for (Parameter p : m.parameters()) {
            JsonNode g = grads.get(p.name());
            if (g == null) {
                continue;
            }
            float[] mine = p.value().grad().toArray();
            float[] w = p.value().toArray();
            for (int i = 0; i < mine.length; i++) {           // the penalty's gradient is applied by the optimizer
                mine[i] += p.l1() * Math.signum(w[i]) + 2 * p.l2() * w[i];
            }
            if (p.fileLayoutTransposed()) {
                mine = ModelFiles.transpose(mine, p.value().rows(), p.value().cols());
            }
            assertClose(name + " grad " + p.name(), flatten(g.get("data")), mine, 1e-4);
        }
    }

    private static void setTensors(Sequential m, JsonNode tensors) {
        for (Parameter p : m.namedTensors()) {
            JsonNode t = tensors.get(p.name());
            if (t == null) {
                continue;
            }
            float[] v = flatten(t.get("data"));
            if (p.fileLayoutTransposed()) {
                v = ModelFiles.transpose(v, p.fileShape()[0], p.fileShape()[1]);
            }
            p.value().set(v);
        }
    }

    private static float[] flatten(JsonNode node) {
        List<Float> out = new ArrayList<>();
        collect(node, out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i);
        }
        return f;
    }

    private static void collect(JsonNode node, List<Float> out) {
        if (node.isArray()) {
            node.forEach(c -> collect(c, out));
        } else {
            out.add((float) node.asDouble());
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            assertTrue(err <= tol + tol * Math.abs(expected[i]), what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }
}
