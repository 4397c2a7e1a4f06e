package io.myelin.loss;

import io.myelin.config.ConfigObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The losses a spec may name, each mapped to what reads its parameters (none but huber's {@code delta}, read
 * by {@link Huber#fromConfig}); adding a loss is its class and one line here. E.g.
 * {@code Losses.create("huber", Map.of("delta", 2.0))}.
 */
public final class Losses {
    /** Spec name → reader of the loss's own keys, in the order messages list them. */
    private static final Map<String, Function<ConfigObject, Loss>> LOSSES = new LinkedHashMap<>();
    /** The Keras long names and short forms, each for one of {@link #LOSSES}. */
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        LOSSES.put("mse", c -> DifferenceLoss.meanSquaredError());
        LOSSES.put("mae", c -> DifferenceLoss.meanAbsoluteError());
        LOSSES.put("huber", Huber::fromConfig);
        LOSSES.put("binary_crossentropy", c -> new BinaryCrossEntropy());
        LOSSES.put("binary_crossentropy_from_logits", c -> new BinaryCrossEntropyFromLogits());
        LOSSES.put("categorical_crossentropy", c -> CrossEntropy.categorical());
        LOSSES.put("sparse_categorical_crossentropy", c -> CrossEntropy.sparse());
        LOSSES.put("hinge", c -> Hinge.hinge());
        LOSSES.put("perceptron", c -> Hinge.perceptron());
        ALIASES.put("mean_squared_error", "mse");
        ALIASES.put("mean_absolute_error", "mae");
        ALIASES.put("bce", "binary_crossentropy");
    }

    /** Every loss, by its spec name, for error messages and docs. */
    public static final List<String> NAMES = List.copyOf(LOSSES.keySet());
    /** Every accepted spelling: {@link #NAMES} and the Keras long names. */
    public static final List<String> SPELLINGS = spellings();

    private Losses() {
    }

    private static List<String> spellings() {
        List<String> all = new ArrayList<>(NAMES);
        all.addAll(ALIASES.keySet());
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
        Function<ConfigObject, Loss> factory = LOSSES.get(ALIASES.getOrDefault(n, n));
        if (factory == null) {
            throw new IllegalArgumentException("unknown loss '" + name + "'; known: " + String.join(", ", NAMES));
        }
        return factory.apply(params);
    }
}
