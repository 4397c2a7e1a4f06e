package io.myelin.train;

import io.myelin.backend.Backend;
import io.myelin.saving.ModelFiles;
import io.myelin.io.NamedTensor;
import io.myelin.nn.BatchNormalization;
import io.myelin.nn.Conv2D;
import io.myelin.nn.Dense;
import io.myelin.nn.Flatten;
import io.myelin.nn.Layer;
import io.myelin.nn.MaxPool2D;
import io.myelin.saving.ModelFiles;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import io.myelin.testing.UseBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolutional models from the Java API and from specs: shapes and parameter counts in the summary, layer
 * names, the spec's keys and mistakes, the PyTorch file layout of kernels, and per-channel batch norm.
 */
@SuppressWarnings({"try", "unchecked"}) // scopes are opened for their effect (owning tensors), not referenced
class ConvolutionalModelTest {
    @UseBackend("cpu")
    private static Backend cpu;

    /** The study notes' example: 20x20x3, two zero-padded 3x3 convolutions (2 then 3 filters), flatten, dense 2. */
    private static final String NOTES_SPEC = """
            {"input_shape": [3, 20, 20],
             "layers": [{"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": "same"},
                        {"type": "conv2d", "filters": 3, "kernel_size": 3, "padding": "same"},
                        {"type": "flatten"},
                        {"type": "dense", "units": 2}],
             "loss": "mse"}""";

    private static int row(String summary, String layer) {
        for (String line : summary.split("\n")) {
            if (line.startsWith(layer + " ")) {
                String[] f = line.trim().split("\\s+");
                return Integer.parseInt(f[f.length - 2]);
            }
        }
        throw new AssertionError("no row for " + layer + " in\n" + summary);
    }

    @Test
    void theNotesExampleCounts56And57And2402Parameters() {
        try (Sequential m = ModelSpec.parse(NOTES_SPEC, "notes.json").build(cpu, 1)) {
            String s = m.summary();
            assertEquals(56, row(s, "conv2d_0"), s);
            assertEquals(57, row(s, "conv2d_1"), s);
            assertEquals(0, row(s, "flatten_0"), s);
            assertEquals(2402, row(s, "dense_0"), s);
            assertTrue(s.contains("(None, 2, 20, 20)"), s);
            assertTrue(s.contains("(None, 3, 20, 20)"), s);
            assertTrue(s.contains("(None, 1200)"), s);
            assertTrue(s.contains("Total params: " + (56 + 57 + 2402)), s);
        }
    }

    @Test
    void theOneLineNamesEachShapeChangeAndTheSummarysCounts() {
        String spec = """
                {"input_shape": [3, 20, 20],
                 "layers": [{"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": "same", "trainable": false},
                            {"type": "batchnorm"},
                            {"type": "maxpool2d"},
                            {"type": "flatten"},
                            {"type": "dense", "units": 4, "activation": "relu"},
                            {"type": "dropout", "rate": 0.5},
                            {"type": "dense", "units": 2}],
                 "loss": "mse"}""";
        try (Sequential m = ModelSpec.parse(spec, "line.json").build(cpu, 1)) {
            // conv 2*3*3*3+2 = 56 frozen; batch norm 2 weights + 2 biases trainable, 2 + 2 running statistics;
            // dense 200*4+4 = 804, dense 4*2+2 = 10.
            long trainable = 4 + 804 + 10;
            long total = 56 + 8 + 804 + 10;
            assertEquals("(3, 20, 20) -> (2, 20, 20) -> (2, 10, 10) -> 200 -> 4 -> 2, " + total + " parameters ("
                    + trainable + " trainable)", m.summaryLine());
            assertEquals(total, m.parameterCount());
            assertEquals(trainable, m.trainableParameterCount());
            String s = m.summary();
            assertTrue(s.contains("Total params: " + total + "\n") && s.contains("Trainable params: " + trainable + "\n"), s);
        }
    }

    @Test
    void shapesThroughStridesPaddingAndPooling() {
        try (Sequential m = new Sequential(cpu, new int[] {1, 28, 28}, 3)) {
            m.add(new Conv2D(8, 5, "relu"))                                   // valid: 24x24
                    .add(new Conv2D(4, 3, "relu").strides(2, 2).padding(true)) // same, stride 2: 12x12
                    .add(new MaxPool2D(2))                                     // 6x6
                    .add(new MaxPool2D(3, 3, 2, 2, true))                      // same: ceil(6/2) = 3
                    .add(new BatchNormalization())
                    .add(new Flatten());
            assertArrayEquals(new int[] {8, 24, 24}, m.layers().get(0).outputShape());
            assertArrayEquals(new int[] {4, 12, 12}, m.layers().get(1).outputShape());
            assertArrayEquals(new int[] {4, 6, 6}, m.layers().get(2).outputShape());
            assertArrayEquals(new int[] {4, 3, 3}, m.layers().get(3).outputShape());
            assertArrayEquals(new int[] {4, 3, 3}, m.layers().get(4).outputShape());
            assertArrayEquals(new int[] {36}, m.outputShape());
            assertEquals(List.of("conv2d_0", "conv2d_1", "maxpool2d_0", "maxpool2d_1", "batchnorm_0", "flatten_0"),
                    m.layers().stream().map(Layer::name).toList());
            // per-channel batch norm: 4 gammas, 4 betas, 4 + 4 running statistics
            assertEquals(8, m.layers().get(4).parameters().stream().mapToInt(p -> p.value().size()).sum());
            assertEquals(8, m.layers().get(4).buffers().stream().mapToInt(p -> p.value().size()).sum());
        }
    }

    @Test
    void kernelsAreStoredOutInKhKwInModelFiles(@TempDir Path tmp) {
        try (Sequential m = ModelSpec.parse(NOTES_SPEC, "notes.json").build(cpu, 1)) {
            Map<String, NamedTensor> files = ModelFiles.exportTensors(m);
            assertArrayEquals(new int[] {2, 3, 3, 3}, files.get("conv2d_0.weight").shape());
            assertArrayEquals(new int[] {2}, files.get("conv2d_0.bias").shape());
            assertArrayEquals(new int[] {3, 2, 3, 3}, files.get("conv2d_1.weight").shape());
            // the file holds the model's own [out, in, kh, kw] order
            Conv2D conv = (Conv2D) m.layers().get(0);
            assertArrayEquals(conv.weight().value().toArray(), files.get("conv2d_0.weight").data());
            Path f = tmp.resolve("w.safetensors");
            ModelFiles.saveWeights(m, f);
            try (Sequential other = ModelSpec.parse(NOTES_SPEC, "notes.json").build(cpu, 2)) {
                ModelFiles.loadInitialWeights(other, f);
                assertArrayEquals(conv.weight().value().toArray(),
                        ((Conv2D) other.layers().get(0)).weight().value().toArray());
            }
        }
    }

    @Test
    void glorotUsesFanInAndFanOutOfTheWholeKernel() {
        try (Sequential m = new Sequential(cpu, new int[] {3, 9, 9}, 5)) {
            m.add(new Conv2D(16, 5, "linear"));
            float[] w = ((Conv2D) m.layers().get(0)).weight().value().toArray();
            double limit = Math.sqrt(6.0 / (3 * 25 + 16 * 25));
            double max = 0;
            for (float v : w) {
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max <= limit && max > 0.9 * limit, "max |w| " + max + " for limit " + limit);
        }
    }

    @Test
    void specMistakesNameTheLayerAndTheKey() {
        String base = """
                {"input_shape": %s, "layers": [%s, {"type": "flatten"}, {"type": "dense", "units": 2}], "loss": "mse"}""";
        String[][] bad = {
                {"[1, 8, 8]", "{\"type\": \"conv2d\", \"kernel_size\": 3}", "layer 0 (conv2d): \"filters\" is required"},
                {"[1, 8, 8]", "{\"type\": \"conv2d\", \"filters\": 2}",
                        "layer 0 (conv2d): \"kernel_size\" is required, e.g. 3 or [3, 3]"},
                {"[1, 8, 8]", "{\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": 3, \"padding\": \"full\"}",
                        "layer 0 (conv2d): unknown padding \"full\"; known: valid, same"},
                {"[1, 8, 8]", "{\"type\": \"conv2d\", \"filters\": 2, \"kernel_siz\": 3}",
                        "layer 0 (conv2d): unknown key \"kernel_siz\"; did you mean \"kernel_size\"? known keys: type, "
                                + "filters, kernel_size"},
                {"[1, 8, 8]", "{\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": 3, \"stride\": 2}",
                        "layer 0 (conv2d): unknown key \"stride\"; did you mean \"strides\"? known keys: type, filters, "
                                + "kernel_size, activation, activation_param, strides, padding, use_bias, kernel_initializer, "
                                + "kernel_initializer_params, bias_initializer, bias_initializer_params, l1, l2, name, "
                                + "trainable"},
                {"[1, 8, 8]", "{\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": [3, 0]}",
                        "layer 0 (conv2d): \"kernel_size\" must be positive, got [3, 0]"},
                {"[1, 4, 4]", "{\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": 5}",
                        "layer 0 (conv2d): a 5x5 window with \"valid\" padding does not fit a 4x4 input"},
                {"[16]", "{\"type\": \"maxpool2d\"}",
                        "layer 0 (maxpool2d): maxpool2d needs a (C, H, W) input, got (16,): give the model an input_shape "
                                + "such as [1, 28, 28]"},
                {"[1, 4, 4]", "{\"type\": \"avgpool2d\", \"pool_size\": 2, \"strides\": -1}",
                        "layer 0 (avgpool2d): \"strides\" must be positive, got -1"},
                {"[1, 28]", "{\"type\": \"flatten\"}",
                        "\"input_shape\" must be [features] or [channels, height, width], got [1, 28]"}};
        for (String[] c : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelSpec.parse(String.format(base, c[0], c[1]), "s.json").build(cpu, 1), c[1]);
            assertEquals("s.json: " + c[2], e.getMessage(), c[1]);
        }
        IllegalArgumentException dense = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse(
                "{\"input_shape\": [1, 4, 4], \"layers\": [{\"type\": \"dense\", \"units\": 2}], \"loss\": \"mse\"}",
                "s.json").build(cpu, 1));
        assertEquals("s.json: layer 0 (dense): dense needs a flat input, got (1, 4, 4): put a flatten (or global_avgpool2d) "
                + "layer before it", dense.getMessage());
    }

    @Test
    void dataWithTheWrongNumberOfValuesPerImageIsRefused() {
        try (Sequential m = ModelSpec.parse(NOTES_SPEC, "notes.json").build(cpu, 1)) {
            EncodedData d = new EncodedData(new float[2 * 1199], new float[2 * 2], 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.fit(d, FitConfig.builder().epochs(1).build()));
            assertEquals("the training data have 1199 features but the model's input shape is [3, 20, 20] (1200 values "
                    + "per sample)", e.getMessage());
        }
    }

    /** BatchNorm on images normalizes each channel over n*H*W values, as BatchNorm2d. */
    @Test
    void batchNormOnImagesNormalizesEachChannelOverBatchAndPositions() {
        try (Sequential m = new Sequential(cpu, new int[] {2, 3, 3}, 1); Scope ignored = Scope.open()) {
            m.add(new BatchNormalization(0.9f, 1e-5f, true, true, true));
            int n = 4;
            float[] x = new float[n * 18];
            for (int i = 0; i < x.length; i++) {
                int channel = (i % 18) / 9;
                x[i] = (float) (channel == 0 ? Math.sin(i) : 10 + 3 * Math.cos(i));
            }
            float[] y = m.forward(Tensor.of(cpu, x, n, 18), new io.myelin.nn.ForwardContext(true, false, 1, 0, false))
                    .toArray();
            for (int c = 0; c < 2; c++) {
                double s = 0;
                double sq = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < 9; p++) {
                        double v = y[i * 18 + c * 9 + p];
                        s += v;
                        sq += v * v;
                    }
                }
                assertEquals(0, s / 36, 1e-5, "channel " + c + " mean");
                assertEquals(1, sq / 36, 1e-3, "channel " + c + " variance");
            }
        }
    }

    @Test
    void aSmallCnnLearnsFromTheJavaApi() {
        // two classes of 1x6x6 images: a bright vertical or a bright horizontal bar, with noise
        int n = 200;
        float[] x = new float[n * 36];
        float[] y = new float[n];
        java.util.Random r = new java.util.Random(4);
        for (int i = 0; i < n; i++) {
            int cls = i % 2;
            int at = r.nextInt(6);
            y[i] = cls;
            for (int p = 0; p < 36; p++) {
                boolean bar = cls == 0 ? p % 6 == at : p / 6 == at;
                x[i * 36 + p] = (float) ((bar ? 1 : 0) + 0.3 * r.nextGaussian());
            }
        }
        try (Sequential m = new Sequential(cpu, new int[] {1, 6, 6}, 2)) {
            m.add(new Conv2D(4, 3, "relu").padding(true)).add(new MaxPool2D(2)).add(new Flatten())
                    .add(new Dense(2, "softmax"));
            m.compile(io.myelin.loss.Losses.create("sparse_categorical_crossentropy"),
                    io.myelin.optim.Adam.builder().learningRate(0.01f).build(), List.of("accuracy"));
            m.fit(new EncodedData(x, y, n), FitConfig.builder().epochs(15).batchSize(20).build());
            double acc = m.evaluate(new EncodedData(x, y, n)).get("accuracy");
            assertTrue(acc > 0.95, "training accuracy " + acc);
        }
    }

    /**
     * CPU against CUDA (the emulator, or a GPU where present): a CNN with every new layer and per-channel batch
     * norm, trained 3 epochs of batch 16 from the same seed, must give the same losses and weights within
     * float32 tolerances (sums in a different order).
     */
    @Test
    void aCnnTrainsTheSameOnCpuAndCuda(@UseBackend("cuda") Backend cuda) {
        int n = 64;
        java.util.Random r = new java.util.Random(9);
        float[] x = new float[n * 2 * 7 * 7];
        float[] y = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
        }
        String spec = """
                {"input_shape": [2, 7, 7],
                 "layers": [{"type": "conv2d", "filters": 5, "kernel_size": 3, "padding": "same", "activation": "relu"},
                            {"type": "batchnorm"},
                            {"type": "maxpool2d", "pool_size": 2, "padding": "same"},
                            {"type": "conv2d", "filters": 4, "kernel_size": 1, "strides": 2, "activation": "tanh"},
                            {"type": "dropout", "rate": 0.2},
                            {"type": "avgpool2d", "pool_size": 2},
                            {"type": "flatten"},
                            {"type": "dense", "units": 3, "activation": "softmax"}],
                 "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.01}}""";
        History[] h = new History[2];
        Map<String, NamedTensor>[] w = new Map[2];
        Backend[] backends = {cpu, cuda};
        for (int k = 0; k < 2; k++) {
            try (Sequential m = ModelSpec.parse(spec, "s.json").build(backends[k], 4)) {
                h[k] = m.fit(new EncodedData(x, y, n), FitConfig.builder().epochs(3).batchSize(16).shuffle(false).build());
                w[k] = ModelFiles.exportTensors(m);
            }
        }
        List<Double> lossCpu = h[0].all().get("loss");
        List<Double> lossCuda = h[1].all().get("loss");
        for (int e = 0; e < lossCpu.size(); e++) {
            assertEquals(lossCpu.get(e), lossCuda.get(e), 1e-4, "epoch " + e + " loss, cpu vs cuda");
        }
        for (String name : w[0].keySet()) {
            float[] a = w[0].get(name).data();
            float[] b = w[1].get(name).data();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 2e-4 + 2e-4 * Math.abs(a[i]), name + "[" + i + "], cpu vs cuda");
            }
        }
    }
}
