package io.myelin.loss;

import io.myelin.config.ConfigObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Losses by spec name, e.g. {@code Losses.create("huber", Map.of("delta", 2.0))}.
 */
public final class Losses {
    /** Every loss, by its spec name, for error messages and docs. */
    public static final List<String> NAMES = List.of("mse", "mae", "huber", "binary_crossentropy",
            "binary_crossentropy_from_logits", "categorical_crossentropy", "sparse_categorical_crossentropy",
            "hinge", "perceptron");
    /** Every accepted spelling: {@link #NAMES} and the Keras long names. */
    public static final List<String> SPELLINGS = spellings();

    private Losses() {
    }

    private static List<String> spellings() {
        List<String> all = new ArrayList<>(NAMES);
        all.addAll(List.of("mean_squared_error", "mean_absolute_error", "bce"));
        return List.copyOf(all);
    }

    public static Loss create(String name) {
        return create(name, Map.of());
    }

    /** The loss {@code name} with its parameters ({@code delta} for huber); an unused parameter is an error. */
    public static Loss create(String name, Map<String, ?> params) {
        ConfigObject c = ConfigObject.of(params, "loss " + name);
        Loss loss = create(name, c);
        c.finish();
        return loss;
    }

    /**
     * A loss object of a spec: {@code {"type": "huber", "delta": 1.0}} (the caller calls
     * {@link ConfigObject#finish()}).
     */
    public static Loss fromConfig(ConfigObject c) {
        String type = c.choice("type", null, SPELLINGS, "loss");
        if (type == null) {
            throw c.missing("type", "; known: " + String.join(", ", NAMES));
        }
        return create(type, c);
    }

    /** The loss {@code name}, reading its parameters from {@code params}. */
    public static Loss create(String name, ConfigObject params) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        return switch (n) {
            case "mse", "mean_squared_error" -> new MeanSquaredError();
            case "mae", "mean_absolute_error" -> new MeanAbsoluteError();
            case "huber" -> new Huber(params.float32("delta", 1f));
            case "binary_crossentropy", "bce" -> new BinaryCrossEntropy();
            case "binary_crossentropy_from_logits" -> new BinaryCrossEntropyFromLogits();
            case "categorical_crossentropy" -> CrossEntropy.categorical();
            case "sparse_categorical_crossentropy" -> CrossEntropy.sparse();
            case "hinge" -> Hinge.hinge();
            case "perceptron" -> Hinge.perceptron();
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }
}
