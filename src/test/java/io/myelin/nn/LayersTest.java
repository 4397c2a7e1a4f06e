package io.myelin.nn;

import io.myelin.config.ConfigException;
import io.myelin.config.ConfigObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The layer registry: every type reads back what its {@code config()} writes, and names the known types. */
class LayersTest {
    /** The fewest keys each type needs. */
    private static final Map<String, Map<String, Object>> MINIMAL = Map.ofEntries(
            Map.entry("dense", Map.of("units", 4)),
            Map.entry("activation", Map.of()),
            Map.entry("dropout", Map.of()),
            Map.entry("batchnorm", Map.of()),
            Map.entry("batch_normalization", Map.of()),
            Map.entry("prelu", Map.of()),
            Map.entry("conv2d", Map.of("filters", 2, "kernel_size", 3)),
            Map.entry("maxpool2d", Map.of()),
            Map.entry("avgpool2d", Map.of()),
            Map.entry("global_avgpool2d", Map.of()),
            Map.entry("flatten", Map.of()));

    /** Every key each type reads, none at its default, so a key read into the wrong field shows. */
    private static final Map<String, Map<String, Object>> EVERY_KEY = Map.ofEntries(
            Map.entry("dense", Map.of("units", 7, "activation", "leaky_relu", "activation_param", 0.2,
                    "use_bias", false, "kernel_initializer", "he_normal", "bias_initializer", "ones",
                    "l1", 0.01, "l2", 0.02, "trainable", false)),
            Map.entry("activation", Map.of("activation", "elu", "activation_param", 0.5)),
            Map.entry("dropout", Map.of("rate", 0.3)),
            Map.entry("batchnorm", Map.of("momentum", 0.9, "epsilon", 1e-5, "center", false, "scale", false,
                    "unbiased_running_var", true, "trainable", false)),
            Map.entry("batch_normalization", Map.of("momentum", 0.8, "epsilon", 1e-4, "center", true,
                    "scale", false, "unbiased_running_var", true)),
            Map.entry("prelu", Map.of("initial_slope", 0.1, "trainable", false)),
            Map.entry("conv2d", Map.of("filters", 3, "kernel_size", List.of(3, 5), "strides", List.of(2, 1),
                    "padding", "same", "activation", "swish", "activation_param", 2.0, "use_bias", false,
                    "kernel_initializer", "lecun_normal", "bias_initializer", "ones", "l1", 0.5)),
            Map.entry("maxpool2d", Map.of("pool_size", List.of(3, 2), "strides", 1, "padding", "same")),
            Map.entry("avgpool2d", Map.of("pool_size", 3, "strides", List.of(2, 3), "padding", "same")),
            Map.entry("global_avgpool2d", Map.of()),
            Map.entry("flatten", Map.of()));

    private static Layer read(String type, Map<String, Object> keys) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", type);
        spec.putAll(keys);
        return Layers.fromConfig(ConfigObject.of(spec, "layer 0"));
    }

    /** A layer read from {@code type} + its own {@code config()}: finishing refuses a key written but not read. */
    private static Layer roundTrip(Layer layer) {
        return read(layer.type(), layer.config());
    }

    @Test
    void theSamplesCoverEveryRegisteredType() {
        assertEquals(new TreeSet<>(Layers.types()), new TreeSet<>(MINIMAL.keySet()));
        assertEquals(new TreeSet<>(Layers.types()), new TreeSet<>(EVERY_KEY.keySet()));
    }

    @Test
    void everyTypeReadsBackWhatItsConfigWrites() {
        for (String type : Layers.types()) {
            for (Map<String, Object> keys : List.of(MINIMAL.get(type), EVERY_KEY.get(type))) {
                Layer layer = read(type, keys);
                Layer back = roundTrip(layer);
                assertEquals(layer.getClass(), back.getClass(), type);
                assertEquals(layer.config(), back.config(), type + " " + keys);
                assertEquals(layer.trainable(), back.trainable(), type);
            }
        }
    }

    @Test
    void everyKeyChangesTheConfig() {
        for (String type : Layers.types()) {
            if (!EVERY_KEY.get(type).isEmpty()) {
                assertNotEquals(read(type, MINIMAL.get(type)).config(), read(type, EVERY_KEY.get(type)).config(), type);
            }
        }
    }

    @Test
    void nameAndTrainableAreReadForEveryType() {
        Layer l = read("dropout", Map.of("rate", 0.1, "name", "drop", "trainable", false));
        assertEquals("drop", l.name());
        assertEquals(false, l.trainable());
    }

    @Test
    void theKnownTypesComeFromTheRegistry() {
        ConfigException e = assertThrows(ConfigException.class, () -> read("dens", Map.of()));
        assertEquals("layer 0: unknown layer type \"dens\"; did you mean \"dense\"? known: "
                + String.join(", ", Layers.types()), e.getMessage());
        ConfigException none = assertThrows(ConfigException.class,
                () -> Layers.fromConfig(ConfigObject.of(Map.of("units", 3), "layer 1")));
        assertEquals("layer 1: \"type\" is required; known: dense, activation, dropout, batchnorm, batch_normalization, "
                + "prelu, conv2d, maxpool2d, avgpool2d, global_avgpool2d, flatten", none.getMessage());
    }

    @Test
    void aValueALayerRefusesNamesThePlace() {
        ConfigException e = assertThrows(ConfigException.class, () -> read("dense", Map.of("units", 0)));
        assertEquals("layer 0 (dense): dense units must be positive, got 0", e.getMessage());
        ConfigException bn = assertThrows(ConfigException.class,
                () -> read("batch_normalization", Map.of("momentum", 1.5)));
        assertEquals("layer 0 (batch_normalization): batchnorm momentum must be in [0, 1), got 1.5", bn.getMessage());
    }

    @Test
    void flatSizesCountWhatBuildAllocates() {
        assertEquals(new Layer.FlatSize(6 * 4 + 4, 4), read("dense", MINIMAL.get("dense")).flatSize(6));
        assertEquals(new Layer.FlatSize(4 * 6, 6), read("batchnorm", Map.of()).flatSize(6));
        assertEquals(new Layer.FlatSize(6, 6), read("prelu", Map.of()).flatSize(6));
        assertEquals(new Layer.FlatSize(0, 6), read("dropout", Map.of()).flatSize(6));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dense(Integer.MAX_VALUE).flatSize(64));
        assertEquals("64 inputs x 2,147,483,647 units = 137,438,953,408 weights, more than one tensor holds "
                + "(2,147,483,639)", e.getMessage());
    }
}
