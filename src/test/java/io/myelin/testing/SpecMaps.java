package io.myelin.testing;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spec objects for tests, as the strict JSON reader hands them to the spec readers: keys in the order given,
 * and {@code double} values as {@link BigDecimal} (JSON numbers are parsed as BigDecimal), so
 * {@code spec("lr", 0.1)} reads exactly as {@code {"lr": 0.1}} in a file.
 */
public final class SpecMaps {
    private SpecMaps() {
    }

    /** {@code keysAndValues} as alternating key, value. */
    public static Map<String, Object> spec(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object v = keysAndValues[i + 1];
            m.put((String) keysAndValues[i], v instanceof Double d ? new BigDecimal(d.toString()) : v);
        }
        return m;
    }

    /** A spec object whose first key is {@code "type"}, then {@code keysAndValues}. */
    public static Map<String, Object> typedSpec(String type, Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.putAll(spec(keysAndValues));
        return m;
    }
}
