package io.myelin.nn;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reading one layer's entry of a JSON model spec (a {@code Map} from Jackson) for the layers' own
 * {@code fromSpec}: typed values with defaults, and unknown keys refused. Messages name the key; the model
 * spec adds the layer.
 */
public final class SpecArgs {
    private SpecArgs() {
    }

    /** Refuses keys outside {@code known} (plus {@code type}, {@code name} and {@code trainable}). */
    public static void onlyKeys(Map<?, ?> m, Set<String> known) {
        for (Object k : m.keySet()) {
            String key = String.valueOf(k);
            if (!known.contains(key) && !key.equals("type") && !key.equals("name") && !key.equals("trainable")) {
                Set<String> all = new TreeSet<>(known);
                all.add("name");
                all.add("trainable");
                throw new IllegalArgumentException("unknown key '" + key + "'; known: " + all);
            }
        }
    }

    public static String str(Map<?, ?> m, String key, String fallback) {
        Object v = m.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    public static float num(Map<?, ?> m, String key, float fallback) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.floatValue();
        }
        throw new IllegalArgumentException("'" + key + "' must be a number, got '" + v + "'");
    }

    public static boolean bool(Map<?, ?> m, String key, boolean fallback) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("'" + key + "' must be true or false, got '" + v + "'");
    }

    /** A positive integer. */
    public static int positiveInt(Map<?, ?> m, String key, int fallback) {
        Object v = m.get(key);
        if (v == null) {
            if (fallback <= 0) {
                throw new IllegalArgumentException("'" + key + "' is required");
            }
            return fallback;
        }
        return positive(key, v);
    }

    /**
     * A window size or stride: one positive integer for both axes or a list {@code [h, w]}; {@code fallback}
     * (may be null when the key is required) otherwise.
     */
    public static int[] pair(Map<?, ?> m, String key, int[] fallback) {
        Object v = m.get(key);
        if (v == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("'" + key + "' is required");
            }
            return fallback.clone();
        }
        if (v instanceof List<?> list) {
            if (list.size() != 2) {
                throw new IllegalArgumentException("'" + key + "' must be an integer or a list [height, width], got "
                        + v);
            }
            return new int[] {positive(key, list.get(0)), positive(key, list.get(1))};
        }
        int k = positive(key, v);
        return new int[] {k, k};
    }

    /** {@code "valid"} (false) or {@code "same"} (true). */
    public static boolean samePadding(Map<?, ?> m) {
        String p = str(m, "padding", "valid");
        return switch (p) {
            case "valid" -> false;
            case "same" -> true;
            default -> throw new IllegalArgumentException("'padding' must be \"valid\" or \"same\", got '" + p + "'");
        };
    }

    private static int positive(String key, Object v) {
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() <= 0
                || ((Number) v).longValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + key + "' must be a positive integer, got " + v);
        }
        return ((Number) v).intValue();
    }
}
