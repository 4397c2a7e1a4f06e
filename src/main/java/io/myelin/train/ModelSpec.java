package io.myelin.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.myelin.backend.Backend;
import io.myelin.init.Initializer;
import io.myelin.loss.Loss;
import io.myelin.loss.Losses;
import io.myelin.nn.ActivationFn;
import io.myelin.nn.ActivationLayer;
import io.myelin.nn.AveragePooling2D;
import io.myelin.nn.BatchNormalization;
import io.myelin.nn.Conv2D;
import io.myelin.nn.Dense;
import io.myelin.nn.Dropout;
import io.myelin.nn.Flatten;
import io.myelin.nn.GlobalAveragePooling2D;
import io.myelin.nn.Layer;
import io.myelin.nn.MaxPool2D;
import io.myelin.nn.PRelu;
import io.myelin.nn.Shapes;
import io.myelin.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Keras-like JSON model spec: input shape, layers, loss, optimizer, metrics and an optional LR
 * schedule. Unknown keys and names are errors naming the layer, so a typo never trains silently.
 *
 * <pre>{@code
 * ModelSpec spec = ModelSpec.read(Path.of("mlp.json"));
 * Sequential model = spec.build(backend, 42);
 * }</pre>
 */
public final class ModelSpec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_KEYS = Set.of("input_shape", "layers", "loss", "optimizer", "metrics",
            "lr_schedule", "normalization");
    private static final List<String> NORMALIZATIONS = List.of("min_max", "z_score");

    private final Map<String, Object> root;

    private ModelSpec(Map<String, Object> root, String source) {
        this.root = root;
        validate(source);
    }

    @SuppressWarnings("unchecked")
    public static ModelSpec parse(String json, String source) {
        try {
            Object o = JSON.readValue(json, Object.class);
            if (!(o instanceof Map)) {
                throw new IllegalArgumentException(source + ": a model spec must be a JSON object");
            }
            return new ModelSpec((Map<String, Object>) o, source);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": invalid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
    }

    public static ModelSpec read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("model spec " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model spec " + file + ": " + e.getMessage());
        }
    }

    public static ModelSpec of(Map<String, Object> root) {
        return new ModelSpec(root, "spec");
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

    private void validate(String source) {
        for (String k : root.keySet()) {
            if (!TOP_KEYS.contains(k)) {
                throw new IllegalArgumentException(source + ": unknown key '" + k + "'; known: " + TOP_KEYS);
            }
        }
        if (!(root.get("input_shape") instanceof List<?> shape) || shape.isEmpty()) {
            throw new IllegalArgumentException(source + ": 'input_shape' must be a list such as [784]");
        }
        if (!(root.get("layers") instanceof List<?> layers) || layers.isEmpty()) {
            throw new IllegalArgumentException(source + ": 'layers' must be a non-empty list");
        }
        if (root.get("loss") == null) {
            throw new IllegalArgumentException(source + ": 'loss' is missing");
        }
        Object norm = root.get("normalization");
        if (norm != null && !NORMALIZATIONS.contains(norm)) {
            throw new IllegalArgumentException(source + ": 'normalization' must be one of " + NORMALIZATIONS
                    + ", got " + (norm instanceof String ? "'" + norm + "'" : norm));
        }
    }

    /**
     * The input normalization the spec asks for: {@code "min_max"}, {@code "z_score"}, or null when the spec
     * leaves it to the data source (the CLI then uses min-max: one pixel range for images, per column for CSV).
     */
    public String normalization() {
        return (String) root.get("normalization");
    }

    /** Product of input_shape. */
    public int inputFeatures() {
        return Shapes.product(inputShape());
    }

    /** input_shape: {@code [features]} or channels-first {@code [C, H, W]}. */
    public int[] inputShape() {
        return Shapes.fromSpec(root.get("input_shape"));
    }

    @SuppressWarnings("unchecked")
    public Loss loss() {
        Object l = root.get("loss");
        if (l instanceof String s) {
            return Losses.create(s);
        }
        if (l instanceof Map<?, ?> m) {
            return Losses.create(String.valueOf(m.get("type")), (Map<String, ?>) m);
        }
        throw new IllegalArgumentException("'loss' must be a name or an object with a 'type'");
    }

    @SuppressWarnings("unchecked")
    public Optimizer optimizer() {
        Object o = root.getOrDefault("optimizer", Map.of("type", "adam"));
        if (o instanceof String s) {
            return Optimizer.fromSpec(Map.of("type", s));
        }
        return Optimizer.fromSpec((Map<String, Object>) o);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> lrSchedule() {
        Object o = root.get("lr_schedule");
        return o instanceof Map ? (Map<String, Object>) o : null;
    }

    public List<String> metrics(Loss loss) {
        Object m = root.get("metrics");
        if (m instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return loss.targetKind() == Loss.TargetKind.REGRESSION ? List.of("mae") : List.of("accuracy");
    }

    /** Builds and compiles the model on a backend. */
    public Sequential build(Backend backend, long seed) {
        Sequential model = new Sequential(backend, inputShape(), seed);
        try {
            List<?> layers = (List<?>) root.get("layers");
            for (int i = 0; i < layers.size(); i++) {
                if (!(layers.get(i) instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException("layer " + i + " must be an object");
                }
                Layer layer = layer(i, m);
                try {
                    model.add(layer);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("layer " + i + " (" + layer.type() + "): " + e.getMessage(), e);
                }
            }
            Loss loss = loss();
            model.compile(loss, optimizer(), metrics(loss));
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static Layer layer(int index, Map<?, ?> m) {
        String type = String.valueOf(m.get("type")).toLowerCase(Locale.ROOT);
        String where = "layer " + index + " (" + type + ")";
        try {
            Layer layer = switch (type) {
                case "dense" -> dense(m);
                case "activation" -> new ActivationLayer(ActivationFn.parse(str(m, "activation", null), num(m, "activation_param", Float.NaN)));
                case "dropout" -> new Dropout(num(m, "rate", 0.5f));
                case "batchnorm", "batch_normalization" -> new BatchNormalization(num(m, "momentum", 0.99f),
                        num(m, "epsilon", 1e-3f), bool(m, "center", true), bool(m, "scale", true),
                        bool(m, "unbiased_running_var", false));
                case "prelu" -> new PRelu(num(m, "initial_slope", 0.25f));
                case "conv2d" -> Conv2D.fromSpec(m);
                case "maxpool2d" -> MaxPool2D.fromSpec(m);
                case "avgpool2d" -> AveragePooling2D.fromSpec(m);
                case "global_avgpool2d" -> GlobalAveragePooling2D.fromSpec(m);
                case "flatten" -> Flatten.fromSpec(m);
                default -> throw new IllegalArgumentException("unknown layer type '" + type
                        + "'; known: dense, activation, dropout, batchnorm, prelu, conv2d, maxpool2d, avgpool2d, "
                        + "global_avgpool2d, flatten");
            };
            if (m.get("name") != null) {
                layer.setName(String.valueOf(m.get("name")));
            }
            layer.setTrainable(bool(m, "trainable", true));
            return layer;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Dense dense(Map<?, ?> m) {
        Object units = m.get("units");
        if (!(units instanceof Number u)) {
            throw new IllegalArgumentException("'units' is required and must be a number");
        }
        Dense d = new Dense(u.intValue(), ActivationFn.parse(str(m, "activation", "linear"), num(m, "activation_param", Float.NaN)));
        d.useBias(bool(m, "use_bias", true));
        if (m.get("kernel_initializer") != null) {
            d.kernelInitializer(Initializer.parse(String.valueOf(m.get("kernel_initializer")),
                    (Map<String, ?>) m.get("kernel_initializer_params")));
        }
        if (m.get("bias_initializer") != null) {
            d.biasInitializer(Initializer.parse(String.valueOf(m.get("bias_initializer")),
                    (Map<String, ?>) m.get("bias_initializer_params")));
        }
        d.regularize(num(m, "l1", 0f), num(m, "l2", 0f));
        return d;
    }

    private static String str(Map<?, ?> m, String key, String fallback) {
        Object v = m.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    private static float num(Map<?, ?> m, String key, float fallback) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.floatValue();
        }
        throw new IllegalArgumentException("'" + key + "' must be a number, got '" + v + "'");
    }

    private static boolean bool(Map<?, ?> m, String key, boolean fallback) {
        Object v = m.get(key);
        return v == null ? fallback : Boolean.TRUE.equals(v);
    }

    /** For tests: the list of layer specs. */
    List<Object> layerSpecs() {
        return new ArrayList<>((List<?>) root.get("layers"));
    }
}
