package io.myelin.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object of a spec, read strictly: typed getters with defaults, each of which records its key as
 * known; {@link #finish()} then refuses every key that no getter asked for, so a typo never trains
 * silently. Wrong JSON types are {@link ConfigException}s naming the key, the place and the value as
 * written, never a {@code ClassCastException}. A JSON {@code null} counts as absent. The known keys are listed
 * in the order they were read, which is stable for a given parser.
 *
 * <pre>{@code
 * ConfigObject c = ConfigObject.of(Map.of("units", 32.7), "layer 0 (dense)");
 * c.requiredInteger("units");   // ConfigException: layer 0 (dense): "units" must be an integer, got 32.7
 * }</pre>
 */
public final class ConfigObject {
    private final Map<String, ?> map;
    private final String where;
    private final Set<String> known;
    private final Map<String, String> hints;

    private ConfigObject(Map<String, ?> map, String where, Set<String> known, Map<String, String> hints) {
        this.map = map;
        this.where = where;
        this.known = known;
        this.hints = hints;
    }

    /** Wraps {@code map} (string keys, JSON values) found at {@code where}, e.g. {@code "layer 2 (dense)"}. */
    public static ConfigObject of(Map<String, ?> map, String where) {
        return new ConfigObject(map, where, new LinkedHashSet<>(), new LinkedHashMap<>());
    }

    /**
     * Wraps a JSON value that must be an object, e.g. a layer; anything else is refused:
     * {@code layer 2: must be a JSON object, got a list}.
     */
    @SuppressWarnings("unchecked")
    public static ConfigObject from(Object value, String where) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new ConfigException(where + ": must be a JSON object, got " + describe(value));
        }
        return of((Map<String, ?>) m, where);
    }

    /** The same object at a more precise place (e.g. once the layer's type is known); the known keys are shared. */
    public ConfigObject at(String newWhere) {
        return new ConfigObject(map, newWhere, known, hints);
    }

    /** Where this object is, as error messages name it. */
    public String where() {
        return where;
    }

    /** A {@link ConfigException} at this place: {@code "<where>: <message>"}. */
    public ConfigException error(String message) {
        return new ConfigException(where + ": " + message);
    }

    /** Marks keys as known without reading them (read elsewhere, or accepted and ignored). */
    public ConfigObject declare(String... keys) {
        known.addAll(List.of(keys));
        return this;
    }

    /**
     * Suggests {@code key} for {@code otherName} when the latter appears, for names too far apart for the edit
     * distance, e.g. Keras' {@code learning_rate} for our {@code lr}.
     */
    public ConfigObject suggest(String otherName, String key) {
        hints.put(otherName, key);
        return this;
    }

    /** Whether the key is present (and not null); marks it known. */
    public boolean has(String key) {
        known.add(key);
        return map.get(key) != null;
    }

    /** The raw JSON value (null when absent); marks the key known. */
    public Object raw(String key) {
        known.add(key);
        return map.get(key);
    }

    /** A string value, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw typeError(key, "a string", v);
        }
        return s;
    }

    /** A string value that must be present. */
    public String requiredString(String key) {
        String s = string(key, null);
        if (s == null) {
            throw missing(key);
        }
        return s;
    }

    /** A finite number, or {@code fallback} when absent. */
    public double number(String key, double fallback) {
        Object v = raw(key);
        return v == null ? fallback : finite(key, v);
    }

    /** {@link #number} as a float (the precision parameters are kept in). */
    public float float32(String key, float fallback) {
        return (float) number(key, fallback);
    }

    /** A whole number in int range (32.7 and 1e12 are refused, named as written), or {@code fallback}. */
    public int integer(String key, int fallback) {
        Object v = raw(key);
        return v == null ? fallback : intValue(quoted(key), v);
    }

    /** {@link #integer} that must be present. */
    public int requiredInteger(String key) {
        if (!has(key)) {
            throw missing(key);
        }
        return integer(key, 0);
    }

    /** A whole number in long range, or {@code fallback}. */
    public long longInteger(String key, long fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        BigInteger i = wholeNumber(quoted(key), v);
        if (i.bitLength() >= Long.SIZE) {
            throw error(quoted(key) + " is too large: " + written(v));
        }
        return i.longValue();
    }

    /** A JSON boolean ({@code true}/{@code false}; the string {@code "true"} is refused), or {@code fallback}. */
    public boolean bool(String key, boolean fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw typeError(key, "true or false", v);
        }
        return b;
    }

    /** A nested object at {@code "<where>, <key>"}, or null when absent. */
    public ConfigObject object(String key) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?>)) {
            throw typeError(key, "a JSON object", v);
        }
        return from(v, where + ", " + key);
    }

    /** A list, or null when absent. */
    public List<?> list(String key) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            throw typeError(key, "a list", v);
        }
        return l;
    }

    /** A list of whole numbers in int range ({@code "input_shape"}), or null when absent. */
    public int[] integers(String key) {
        List<?> l = list(key);
        if (l == null) {
            return null;
        }
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = intValue(quoted(key) + "[" + i + "]", l.get(i));
        }
        return out;
    }

    /**
     * A window size or stride: one positive integer for both axes, or a list {@code [height, width]} of them;
     * {@code fallback} when absent (null: absent is allowed and gives null).
     */
    public int[] positiveIntPair(String key, int[] fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback == null ? null : fallback.clone();
        }
        int[] pair;
        if (v instanceof List<?> l) {
            if (l.size() != 2) {
                throw error(quoted(key) + " must be an integer or a list [height, width], got " + describe(v));
            }
            pair = new int[] {intValue(quoted(key) + "[0]", l.get(0)), intValue(quoted(key) + "[1]", l.get(1))};
        } else {
            int k = intValue(quoted(key), v);
            pair = new int[] {k, k};
        }
        if (pair[0] <= 0 || pair[1] <= 0) {
            throw error(quoted(key) + " must be positive, got " + written(v));
        }
        return pair;
    }

    /**
     * One of a fixed set of names (case-insensitive; returned lower-case), or {@code fallback} when absent:
     * {@code layer 2 (dense): unknown activation "relux"; did you mean "relu"? known: linear, …}.
     *
     * @param what the kind of name, for the message ("activation", "optimizer", "layer type")
     */
    public String choice(String key, String fallback, Collection<String> names, String what) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        String n = s.trim().toLowerCase(Locale.ROOT);
        if (!names.contains(n)) {
            String near = DidYouMean.nearest(n, names);
            throw error("unknown " + what + " \"" + s + "\"" + (near == null ? ";" : "; did you mean \"" + near + "\"?")
                    + " known: " + String.join(", ", names));
        }
        return n;
    }

    /**
     * Refuses the first key that no getter read and {@link #declare} did not name:
     * {@code unknown key "activaton"; did you mean "activation"? known keys: type, units, activation, …}.
     */
    public void finish() {
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                String near = hints.containsKey(key) ? hints.get(key) : DidYouMean.nearest(key, known);
                throw error("unknown key \"" + key + "\"" + (near == null ? ";" : "; did you mean \"" + near + "\"?")
                        + " known keys: " + (known.isEmpty() ? "none" : String.join(", ", known)));
            }
        }
    }

    /** The keys read or declared so far, in that order. */
    public List<String> knownKeys() {
        return new ArrayList<>(known);
    }

    /**
     * The error for a required key that is absent: {@code "units" is required}, or, when a present key is a near
     * miss of it, that key's unknown-key error ({@code unknown key "unit"; did you mean "units"?}).
     *
     * @param example appended to the message when no near miss is found, e.g. {@code "; e.g. \"mse\""} (or "")
     */
    public ConfigException missing(String key, String example) {
        known.add(key);
        for (String present : map.keySet()) {
            if (!known.contains(present) && key.equals(DidYouMean.nearest(present, List.of(key)))) {
                return error("unknown key \"" + present + "\"; did you mean \"" + key + "\"? known keys: "
                        + String.join(", ", known));
            }
        }
        return error(quoted(key) + " is required" + example);
    }

    private ConfigException missing(String key) {
        return missing(key, "");
    }

    private ConfigException typeError(String key, String expected, Object v) {
        return error(quoted(key) + " must be " + expected + ", got " + describe(v));
    }

    private static String quoted(String key) {
        return "\"" + key + "\"";
    }

    private double finite(String key, Object v) {
        if (!(v instanceof Number n)) {
            throw typeError(key, "a number", v);
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
            throw error(quoted(key) + " must be a finite number, got " + written(v));
        }
        return d;
    }

    private int intValue(String name, Object v) {
        BigInteger i = wholeNumber(name, v);
        if (i.bitLength() >= Integer.SIZE) {
            throw error(name + " is too large: " + written(v) + " (at most " + Integer.MAX_VALUE + ")");
        }
        return i.intValue();
    }

    private BigInteger wholeNumber(String name, Object v) {
        if (!(v instanceof Number n)) {
            throw error(name + " must be an integer, got " + describe(v));
        }
        BigDecimal d = decimal(n);
        if (d == null || d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw error(name + " must be an integer, got " + written(v));
        }
        return d.toBigInteger();
    }

    /** The exact value of a JSON number, or null for a non-finite double. */
    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        return BigDecimal.valueOf(n.longValue());
    }

    /** A number the way a user writes it: {@code 32.7}, {@code 1e12}, {@code 1e-7} (not 1E+12 or 1.0E12). */
    static String written(Object v) {
        if (!(v instanceof Number n)) {
            return String.valueOf(v);
        }
        BigDecimal d = decimal(n);
        if (d == null) {
            return String.valueOf(n);
        }
        String s = d.toString();
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + "e" + s.substring(e + 1).replace("+", "");
    }

    /** A JSON value for a message: {@code a list}, {@code the string "0.1"}, {@code 32.7}. */
    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?>) {
            return "a JSON object";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        if (v instanceof String s) {
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        return written(v);
    }
}
