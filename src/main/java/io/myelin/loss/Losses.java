package io.myelin.loss;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Losses by spec name, e.g. {@code Losses.create("huber", Map.of("delta", 2.0))}.
 */
public final class Losses {
    /** Every accepted name, for error messages and docs. */
    public static final List<String> NAMES = List.of("mse", "mae", "huber", "binary_crossentropy",
            "binary_crossentropy_from_logits", "categorical_crossentropy", "sparse_categorical_crossentropy",
            "hinge", "perceptron");

    private Losses() {
    }

    public static Loss create(String name) {
        return create(name, Map.of());
    }

    public static Loss create(String name, Map<String, ?> params) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        return switch (n) {
            case "mse", "mean_squared_error" -> new MeanSquaredError();
            case "mae", "mean_absolute_error" -> new MeanAbsoluteError();
            case "huber" -> new Huber(number(params, "delta", 1.0));
            case "binary_crossentropy", "bce" -> new BinaryCrossEntropy();
            case "binary_crossentropy_from_logits" -> new BinaryCrossEntropyFromLogits();
            case "categorical_crossentropy" -> CrossEntropy.categorical();
            case "sparse_categorical_crossentropy" -> CrossEntropy.sparse();
            case "hinge" -> Hinge.hinge();
            case "perceptron" -> Hinge.perceptron();
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }

    static float number(Map<String, ?> params, String key, double fallback) {
        Object v = params.get(key);
        if (v == null) {
            return (float) fallback;
        }
        if (v instanceof Number num) {
            return num.floatValue();
        }
        throw new IllegalArgumentException("loss parameter '" + key + "' must be a number, got '" + v + "'");
    }
}
