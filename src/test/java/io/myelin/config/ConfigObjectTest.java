package io.myelin.config;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigObjectTest {
    private static ConfigObject obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return ConfigObject.of(m, "layer 2 (dense)");
    }

    private static String error(Runnable r) {
        return assertThrows(ConfigException.class, r::run).getMessage();
    }

    @Test
    void integersMustBeWholeAndInRange() {
        assertEquals(32, obj("units", 32).integer("units", 0));
        assertEquals(32, obj("units", new BigDecimal("32.0")).integer("units", 0));
        assertEquals(100, obj("units", new BigDecimal("1e2")).integer("units", 0));
        assertEquals(7, obj().integer("units", 7));
        assertEquals(2147483647, obj("units", 2147483647).integer("units", 0));
        assertEquals("layer 2 (dense): \"units\" must be an integer, got 32.7",
                error(() -> obj("units", new BigDecimal("32.7")).integer("units", 0)));
        assertEquals("layer 2 (dense): \"units\" must be an integer, got 32.7", error(() -> obj("units", 32.7).integer("units", 0)));
        assertEquals("layer 2 (dense): \"units\" is too large: 1e12 (at most 2147483647)",
                error(() -> obj("units", new BigDecimal("1e12")).integer("units", 0)));
        assertEquals("layer 2 (dense): \"units\" is too large: 1e12 (at most 2147483647)",
                error(() -> obj("units", 1e12).integer("units", 0)));
        assertEquals("layer 2 (dense): \"units\" is too large: 2147483648 (at most 2147483647)",
                error(() -> obj("units", 2147483648L).integer("units", 0)));
        assertEquals("layer 2 (dense): \"units\" is too large: 1e400 (at most 2147483647)",
                error(() -> obj("units", new BigDecimal("1e400")).integer("units", 0)));
        assertEquals("layer 2 (dense): \"units\" must be an integer, got the string \"32\"",
                error(() -> obj("units", "32").integer("units", 0)));
        assertEquals("layer 2 (dense): \"units\" is required", error(() -> obj().requiredInteger("units")));
        assertEquals(-3, obj("units", -3).integer("units", 0), "the sign is the caller's rule");
        assertEquals(5_000_000_000L, obj("steps", 5_000_000_000L).longInteger("steps", 0));
        assertArrayEquals(new int[] {28, 28}, obj("input_shape", List.of(28, 28)).integers("input_shape"));
        assertEquals("layer 2 (dense): \"input_shape\"[1] must be an integer, got 2.5",
                error(() -> obj("input_shape", List.of(28, 2.5)).integers("input_shape")));
    }

    @Test
    void booleansAreJsonBooleans() {
        assertEquals(true, obj("use_bias", true).bool("use_bias", false));
        assertEquals(false, obj().bool("use_bias", false));
        assertEquals("layer 2 (dense): \"use_bias\" must be true or false, got the string \"true\"",
                error(() -> obj("use_bias", "true").bool("use_bias", false)));
        assertEquals("layer 2 (dense): \"use_bias\" must be true or false, got 1",
                error(() -> obj("use_bias", 1).bool("use_bias", false)));
    }

    @Test
    void wrongJsonTypesNameTheKey() {
        assertEquals(0.5, obj("rate", 0.5).number("rate", 0));
        assertEquals("layer 2 (dense): \"rate\" must be a number, got a JSON object",
                error(() -> obj("rate", Map.of("a", 1)).number("rate", 0)));
        assertEquals("layer 2 (dense): \"rate\" must be a number, got a list", error(() -> obj("rate", List.of(1)).number("rate", 0)));
        assertEquals("layer 2 (dense): \"rate\" must be a finite number, got 1e400",
                error(() -> obj("rate", new BigDecimal("1e400")).number("rate", 0)));
        assertEquals("layer 2 (dense): \"activation\" must be a string, got 3", error(() -> obj("activation", 3).string("activation", null)));
        assertEquals("layer 2 (dense): \"params\" must be a JSON object, got the string \"x\"",
                error(() -> obj("params", "x").object("params")));
        assertEquals("layer 2 (dense): \"layers\" must be a list, got the string \"x\"", error(() -> obj("layers", "x").list("layers")));
        assertEquals("optimizer: must be a JSON object, got a list", error(() -> ConfigObject.from(List.of("adam"), "optimizer")));
        assertNull(obj("activation", null).string("activation", null), "null counts as absent");
    }

    @Test
    void nestedObjectsNameTheirPlace() {
        ConfigObject params = obj("kernel_initializer_params", Map.of("stdev", 0.1)).object("kernel_initializer_params");
        params.number("stddev", 0.05);
        assertEquals("layer 2 (dense), kernel_initializer_params: unknown key \"stdev\"; did you mean \"stddev\"? known keys: stddev",
                error(params::finish));
    }

    @Test
    void unknownKeysAreRefusedWithANearMissAndTheKnownKeysInReadingOrder() {
        ConfigObject c = obj("units", 4, "activaton", "relu");
        c.declare("type");
        c.integer("units", 0);
        c.string("activation", "linear");
        c.number("l2", 0);
        assertEquals(List.of("type", "units", "activation", "l2"), c.knownKeys());
        assertEquals("layer 2 (dense): unknown key \"activaton\"; did you mean \"activation\"? known keys: type, units, "
                + "activation, l2", error(c::finish));
        ConfigObject far = obj("colour", 1);
        far.integer("units", 0);
        assertEquals("layer 2 (dense): unknown key \"colour\"; known keys: units", error(far::finish));
        ConfigObject hinted = obj("learning_rate", 0.1).suggest("learning_rate", "lr");
        hinted.number("lr", 0.01);
        assertEquals("layer 2 (dense): unknown key \"learning_rate\"; did you mean \"lr\"? known keys: lr", error(hinted::finish));
        ConfigObject none = obj("value", 1);
        assertEquals("layer 2 (dense): unknown key \"value\"; known keys: none", error(none::finish));
        ConfigObject ok = obj("units", 4);
        ok.integer("units", 0);
        ok.finish();
    }

    @Test
    void aMissingKeyWithANearMissPresentNamesTheTypo() {
        assertEquals("layer 2 (dense): unknown key \"unit\"; did you mean \"units\"? known keys: units",
                error(() -> obj("unit", 4).requiredInteger("units")));
        assertEquals("layer 2 (dense): \"units\" is required", error(() -> obj("colour", 4).requiredInteger("units")));
    }

    @Test
    void choicesAreCaseInsensitiveAndSuggestTheNearest() {
        List<String> names = List.of("relu", "tanh", "sigmoid");
        assertEquals("relu", obj("activation", "ReLU").choice("activation", null, names, "activation"));
        assertEquals("tanh", obj().choice("activation", "tanh", names, "activation"));
        assertEquals("layer 2 (dense): unknown activation \"relux\"; did you mean \"relu\"? known: relu, tanh, sigmoid",
                error(() -> obj("activation", "relux").choice("activation", null, names, "activation")));
        assertEquals("layer 2 (dense): unknown activation \"swish\"; known: relu, tanh, sigmoid",
                error(() -> obj("activation", "swish").choice("activation", null, names, "activation")));
    }

    @Test
    void didYouMeanUsesEditDistanceWithSwaps() {
        assertEquals(1, DidYouMean.distance("detla", "delta"));
        assertEquals(1, DidYouMean.distance("rat", "rate"));
        assertEquals(1, DidYouMean.distance("momentun", "momentum"));
        assertEquals(3, DidYouMean.distance("kitten", "sitting"));
        assertEquals("activation", DidYouMean.nearest("activaton", List.of("units", "activation")));
        assertEquals("rate", DidYouMean.nearest("rat", List.of("rate", "name")));
        assertNull(DidYouMean.nearest("l3", List.of("l1", "l2")), "two-letter keys get no suggestion");
        assertNull(DidYouMean.nearest("colour", List.of("units", "activation")));
        assertEquals("l1", DidYouMean.nearest("l1_", List.of("l1", "l2")), "first of equals in the given order");
    }
}
