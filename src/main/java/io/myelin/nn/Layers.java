package io.myelin.nn;

import io.myelin.config.ConfigException;
import io.myelin.config.ConfigObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The layer types a spec may name, each mapped to the static {@code fromConfig(ConfigObject)} beside the
 * layer's {@link Layer#config()}. Adding a layer is its class (with {@code fromConfig} and {@code config()})
 * and one line here; the list of known types in messages comes from this table.
 *
 * <pre>{@code
 * Layer l = Layers.fromConfig(ConfigObject.of(Map.of("type", "dense", "units", 10), "layer 0"));
 * }</pre>
 */
public final class Layers {
    /** Spec type → reader of the layer's own keys, in the order messages list them. */
    private static final Map<String, Function<ConfigObject, Layer>> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("dense", Dense::fromConfig);
        TYPES.put("activation", ActivationLayer::fromConfig);
        TYPES.put("dropout", Dropout::fromConfig);
        TYPES.put("batchnorm", BatchNormalization::fromConfig);
        TYPES.put("batch_normalization", BatchNormalization::fromConfig);
        TYPES.put("prelu", PRelu::fromConfig);
        TYPES.put("conv2d", Conv2D::fromConfig);
        TYPES.put("maxpool2d", MaxPool2D::fromConfig);
        TYPES.put("avgpool2d", AveragePooling2D::fromConfig);
        TYPES.put("global_avgpool2d", GlobalAveragePooling2D::fromConfig);
        TYPES.put("flatten", Flatten::fromConfig);
    }

    private Layers() {
    }

    /** Every type a spec may name ({@code batch_normalization} spells {@code batchnorm}). */
    public static List<String> types() {
        return List.copyOf(TYPES.keySet());
    }

    /**
     * Reads one layer object of a spec and finishes it: {@code type}, then the layer's own keys (at the place
     * {@code "<where> (<type>)"}, e.g. {@code layer 2 (dense)}), then {@code name} and {@code trainable}. A
     * missing or unknown type, an unknown key and a value the layer refuses are {@link ConfigException}s at
     * that place.
     */
    public static Layer fromConfig(ConfigObject c) {
        String type = c.choice("type", null, TYPES.keySet(), "layer type");
        if (type == null) {
            throw c.missing("type", "; known: " + String.join(", ", TYPES.keySet()));
        }
        ConfigObject at = c.at(c.where() + " (" + type + ")");
        try {
            Layer layer = TYPES.get(type).apply(at);
            String name = at.string("name", null);
            if (name != null) {
                layer.setName(name);
            }
            layer.setTrainable(at.bool("trainable", true));
            at.finish();
            return layer;
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage());
        }
    }
}
