package io.myelin.train;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.myelin.backend.Backend;
import io.myelin.config.ConfigException;
import io.myelin.config.ConfigObject;
import io.myelin.config.IoMessages;
import io.myelin.config.MemoryBudget;
import io.myelin.config.StrictJson;
import io.myelin.config.TextFiles;
import io.myelin.data.Normalizer;
import io.myelin.loss.Loss;
import io.myelin.loss.Losses;
import io.myelin.nn.Layer;
import io.myelin.nn.Layers;
import io.myelin.optim.Optimizer;
import io.myelin.schedule.LearningRateSchedule;
import io.myelin.schedule.Schedules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Keras-like JSON model spec: input shape, normalization, layers, loss, optimizer, metrics and an optional
 * LR schedule. Every object of the spec is read through one strict {@link ConfigObject}, when the spec is
 * created: an unknown key, a wrong JSON type, a fraction where an integer belongs or an unknown name is a
 * {@link ConfigException} naming the place ({@code layer 2 (dense)}), the key, a near miss and the known
 * keys, so a typo never trains silently. Each part reads its own keys: a layer through the {@link Layers}
 * registry, the loss through {@link Losses}, the optimizer through {@link Optimizer#fromConfig}, the schedule
 * through {@link Schedules}; this class reads the top level and checks the whole.
 *
 * <pre>{@code
 * ModelSpec spec = ModelSpec.read(Path.of("mlp.json"));
 * Sequential model = spec.build(backend, 42);
 * }</pre>
 */
public final class ModelSpec {
    /** Floats stay exact decimals (so a message shows 1e400 or 32.7 as written); duplicate keys are refused. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final List<String> METRICS = List.of("accuracy", "acc", "sparse_categorical_accuracy",
            "categorical_accuracy", "binary_accuracy", "mae", "mse");
    /** A schedule length to check a schedule's keys with before the run's length is known. */
    private static final long CHECK_STEPS = 1_000_000;

    private final Map<String, Object> root;
    /** Prefix of every place in messages: the file and ": ", or "" for a spec built in code. */
    private final String prefix;
    private final String source;

    private ModelSpec(Map<String, Object> root, String source) {
        this.root = root;
        this.source = source;
        this.prefix = source == null ? "" : source + ": ";
        read();
    }

    /**
     * Parses spec JSON; {@code source} (a file name) starts every message. Invalid JSON, content after the
     * object, and JSON past the parser's limits are {@link ConfigException}s naming the line and column
     * ({@link StrictJson}).
     */
    public static ModelSpec parse(String json, String source) {
        return new ModelSpec(StrictJson.readObject(json, source, "a model spec"), source);
    }

    /** Reads a spec file: UTF-8 ({@link TextFiles}), one JSON object, checked strictly. */
    public static ModelSpec read(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("model spec " + file + " does not exist");
        }
        return parse(TextFiles.readUtf8(file, "model spec"), file.toString());
    }

    /** A spec built in code or read from a run's model.json; messages name places without a file. */
    public static ModelSpec of(Map<String, Object> root) {
        return new ModelSpec(root, null);
    }

    /** The default MLP for a classification problem: two ReLU hidden layers, softmax, Adam. */
    public static ModelSpec defaultClassifier(int features, int classes) {
        int h1 = features > 256 ? 256 : 128;
        int h2 = features > 256 ? 128 : 64;
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("input_shape", List.of(features));
        root.put("layers", List.of(
                Map.of("type", "dense", "units", h1, "activation", "relu"),
                Map.of("type", "dense", "units", h2, "activation", "relu"),
                Map.of("type", "dense", "units", classes, "activation", "softmax")));
        root.put("loss", "sparse_categorical_crossentropy");
        root.put("optimizer", Map.of("type", "adam", "lr", 0.001));
        root.put("metrics", List.of("accuracy"));
        return of(root);
    }

    /** The default MLP for regression: one hidden ReLU layer, linear output, MSE, Adam. */
    public static ModelSpec defaultRegressor(int features, int outputs) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("input_shape", List.of(features));
        root.put("layers", List.of(Map.of("type", "dense", "units", 64, "activation", "relu"),
                Map.of("type", "dense", "units", outputs, "activation", "linear")));
        root.put("loss", "mse");
        root.put("optimizer", Map.of("type", "adam", "lr", 0.001));
        root.put("metrics", List.of("mae"));
        return of(root);
    }

    /** The file the spec was read from, as given (what its messages start with); null for a spec built in code. */
    public String source() {
        return source;
    }

    public Map<String, Object> asMap() {
        return root;
    }

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The input normalization the spec asks for (one of {@link Normalizer.Kind}'s names, e.g. {@code "z_score"}),
     * or null when the spec leaves it to the data source (the CLI then uses min-max: one pixel range for images,
     * per column for CSV).
     */
    public String normalization() {
        return top().choice("normalization", null, normalizations(), "normalization");
    }

    /** Product of input_shape. */
    public int inputFeatures() {
        return Arrays.stream(inputShape()).reduce(1, Math::multiplyExact);  // at most 2^31-1: checked when read
    }

    /** input_shape: {@code [features]} or channels-first {@code [C, H, W]}. */
    public int[] inputShape() {
        return inputShape(top());
    }

    public Loss loss() {
        return loss(top());
    }

    public Optimizer optimizer() {
        return optimizer(top());
    }

    /** The lr_schedule object ({@code "step_decay"} stands for {@code {"type": "step_decay"}}), or null. */
    public Map<String, Object> lrSchedule() {
        Object o = root.get("lr_schedule");
        if (o instanceof String s) {
            return Map.of("type", s);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) o;
        return m;
    }

    public List<String> metrics(Loss loss) {
        List<?> list = top().list("metrics");
        if (list == null) {
            return loss.targetKind() == Loss.TargetKind.REGRESSION ? List.of("mae") : List.of("accuracy");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String)) {
                throw new ConfigException(prefix + "\"metrics\"[" + i + "] must be a name such as \"accuracy\"");
            }
            names.add(ConfigObject.of(Map.of("metric", list.get(i)), prefix + "metrics[" + i + "]")
                    .choice("metric", null, METRICS, "metric"));
        }
        return names;
    }

    /**
     * The per-sample output shape of the model the spec describes, found layer by layer without a backend
     * ({@link Layer#outputShapeFor}), so that a spec is checked whole before a backend starts: a layer that cannot
     * take its input (a dense layer on images, a conv2d on a flat input, a window larger than its image) or a
     * layer name used twice is the {@link ConfigException} that {@link #build} would throw.
     */
    public int[] outputShape() {
        Parts parts = read();
        int[] shape = parts.inputShape();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < parts.layers().size(); i++) {
            Layer layer = parts.layers().get(i);
            try {
                if (layer.name() != null && !names.add(layer.name())) {
                    throw new IllegalArgumentException("the model already has a layer named '" + layer.name() + "'");
                }
                shape = layer.outputShapeFor(shape);
            } catch (ConfigException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new ConfigException(prefix + "layer " + i + " (" + layer.type() + "): " + e.getMessage());
            }
        }
        return shape;
    }

    /** Builds and compiles the model on a backend. */
    public Sequential build(Backend backend, long seed) {
        Parts parts = read();
        checkSize(parts, backend.capabilities().readWaitsForDevice());
        Sequential model = new Sequential(backend, parts.inputShape(), seed);
        try {
            List<Layer> layers = parts.layers();
            for (int i = 0; i < layers.size(); i++) {
                Layer layer = layers.get(i);
                try {
                    model.add(layer);
                } catch (ConfigException e) {
                    throw e;
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(prefix + "layer " + i + " (" + layer.type() + "): " + e.getMessage());
                }
            }
            model.compile(parts.loss(), parts.optimizer(), parts.metrics());
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Refuses, before anything is allocated, a layer with more weights than one tensor holds, and a model whose
     * parameters the Java heap cannot hold: 4 bytes each for the weights, the gradients and every optimizer
     * slot on the CPU ({@link MemoryBudget}); on a device only the largest layer's initial values pass through
     * the heap.
     */
    private void checkSize(Parts parts, boolean onDevice) {
        if (parts.inputShape().length != 1) {
            return;  // image models: layer sizes follow from shapes only known when built (Sequential checks them)
        }
        long width = parts.inputShape()[0];
        long total = 0;
        long largest = 0;
        for (int i = 0; i < parts.layers().size(); i++) {
            Layer layer = parts.layers().get(i);
            Layer.FlatSize size;
            try {
                size = layer.flatSize(width);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(prefix + "layer " + i + " (" + layer.type() + "): " + e.getMessage());
            }
            long n = size.parameters();
            width = size.outputFeatures();
            total += n;
            largest = Math.max(largest, n);
        }
        int slots = parts.optimizer().stateNames().size();
        if (onDevice) {
            MemoryBudget.require(largest * 4.0, prefix + "the initial values of the model's largest layer ("
                    + MemoryBudget.count(largest) + " parameters)");
        } else {
            MemoryBudget.require(total * 4.0 * (2 + slots), prefix + "the model's " + MemoryBudget.count(total)
                    + " parameters (4 bytes each for the weights, the gradients and " + slots + " optimizer slot"
                    + (slots == 1 ? "" : "s") + ")");
        }
    }

    /** Everything the spec describes, read and checked (fresh layer objects on every call). */
    private record Parts(int[] inputShape, List<Layer> layers, Loss loss, Optimizer optimizer, List<String> metrics) {
    }

    /** The top-level object; its keys are declared up front, so a message lists all of them in this order. */
    private ConfigObject top() {
        return ConfigObject.of(root, prefix.isEmpty() ? "model spec" : prefix.substring(0, prefix.length() - 2))
                .declare("input_shape", "normalization", "layers", "loss", "optimizer", "lr_schedule", "metrics");
    }

    /** Reads every object of the spec strictly; called at creation, so a bad spec fails before any data loads. */
    private Parts read() {
        ConfigObject top = top();
        int[] shape = inputShape(top);
        top.choice("normalization", null, normalizations(), "normalization");
        List<?> layerList = top.list("layers");
        if (layerList == null) {
            throw top.missing("layers", "");
        }
        if (layerList.isEmpty()) {
            throw top.error("\"layers\" must be a non-empty list of layer objects");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < layerList.size(); i++) {
            layers.add(layer(i, layerList.get(i)));
        }
        Loss loss = loss(top);
        Optimizer optimizer = optimizer(top);
        Object schedule = top.raw("lr_schedule");
        if (schedule != null) {
            ConfigObject c = scheduleObject(schedule);
            LearningRateSchedule s = Schedules.fromConfig(c, optimizer.baseLearningRate(), CHECK_STEPS);
            if (!optimizer.hasMomentumTerm() && !Float.isNaN(s.momentum(0, 0))
                    && (c.has("min_momentum") || c.has("max_momentum"))) {
                throw c.error("min_momentum and max_momentum cycle the optimizer's momentum term, and "
                        + optimizer.config().get("type") + " has none: use sgd with a momentum, nesterov, adam, "
                        + "adamw or adamax, or leave them out");
            }
            c.finish();
        }
        List<String> metrics = metrics(loss);
        for (String m : metrics) {
            try {
                Metric.parse(m, loss);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(prefix + "metrics: " + e.getMessage());
            }
        }
        top.finish();
        return new Parts(shape, layers, loss, optimizer, metrics);
    }

    /** The normalizations a spec may name, from the one list the normalizer factory reads. */
    private static List<String> normalizations() {
        return Normalizer.NAMES;
    }

    /** input_shape, checked: {@code [features]} or {@code [C, H, W]} of positive integers, at most 2^31-1 in all. */
    private static int[] inputShape(ConfigObject top) {
        int[] shape = top.integers("input_shape");
        if (shape == null) {
            throw top.missing("input_shape", ", e.g. [784] or [1, 28, 28]");
        }
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] <= 0) {
                throw top.error("\"input_shape\" entries must be positive integers, got " + shape[i] + " at [" + i + "]");
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE) {
                throw top.error("\"input_shape\" " + java.util.Arrays.toString(shape) + " has more than "
                        + Integer.MAX_VALUE + " features");
            }
        }
        if (shape.length != 1 && shape.length != 3) {
            throw top.error("\"input_shape\" must be [features] or [channels, height, width], got "
                    + java.util.Arrays.toString(shape));
        }
        return shape;
    }

    private Loss loss(ConfigObject top) {
        Object l = top.raw("loss");
        if (l == null) {
            throw top.missing("loss", ", e.g. \"sparse_categorical_crossentropy\"");
        }
        if (l instanceof String) {
            String name = top.choice("loss", null, Losses.SPELLINGS, "loss");
            return Losses.create(name);
        }
        if (!(l instanceof Map<?, ?>)) {
            throw top.error("\"loss\" must be a name or an object such as {\"type\": \"huber\", \"delta\": 1.0}, got "
                    + (l instanceof List<?> ? "a list" : l));
        }
        ConfigObject c = ConfigObject.from(l, prefix + "loss");
        Loss loss;
        try {
            loss = Losses.fromConfig(c);
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + "loss: " + e.getMessage());
        }
        c.finish();
        return loss;
    }

    private Optimizer optimizer(ConfigObject top) {
        Object o = top.raw("optimizer");
        ConfigObject c;
        if (o == null) {
            c = ConfigObject.of(Map.of("type", "adam"), prefix + "optimizer");
        } else if (o instanceof String s) {
            c = ConfigObject.of(Map.of("type", s), prefix + "optimizer");
        } else if (o instanceof Map<?, ?>) {
            c = ConfigObject.from(o, prefix + "optimizer");
        } else {
            throw top.error("\"optimizer\" must be a name or an object such as {\"type\": \"adam\", \"lr\": 0.001}, got "
                    + (o instanceof List<?> ? "a list" : o));
        }
        Optimizer opt;
        try {
            opt = Optimizer.fromConfig(c);
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // a value out of range ("optimizer: lr must be a positive number, got -1.0"): name the file too
            String m = e.getMessage();
            throw new ConfigException(prefix + (m != null && m.startsWith("optimizer: ") ? m : "optimizer: " + m));
        }
        c.finish();
        return opt;
    }

    private ConfigObject scheduleObject(Object schedule) {
        if (schedule instanceof String s) {
            return ConfigObject.of(Map.of("type", s), prefix + "lr_schedule");
        }
        return ConfigObject.from(schedule, prefix + "lr_schedule");
    }

    private Layer layer(int index, Object spec) {
        return Layers.fromConfig(ConfigObject.from(spec, prefix + "layer " + index));
    }
}
