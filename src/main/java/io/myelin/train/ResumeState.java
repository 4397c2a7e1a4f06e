package io.myelin.train;

import io.myelin.config.ConfigException;
import io.myelin.config.ConfigObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a training run stands after a completed epoch, beyond the weights and the optimizer state: what a
 * resumed run needs to continue the same trajectory. Saved as {@code training_state.json} in a checkpoint
 * (see {@code io.myelin.saving.Checkpoints}); {@link FitConfig.Builder#resumeFrom} continues from it.
 *
 * <p>Nothing else is needed for a bit-identical continuation: the shuffle order of epoch {@code e} is a
 * pure function of (seed, e), dropout masks of (seed, layer, global step), schedules of (global step,
 * epoch), and the learning rate a callback changed lives in the optimizer state.
 *
 * <pre>{@code
 * ResumeState s = model.resumeState();   // after fit: s.epochsCompleted() == 10
 * }</pre>
 *
 * @param epochsCompleted epochs finished, i.e. the first epoch (0-based) a resumed run trains
 * @param globalStep      training steps taken by the model (keys dropout masks)
 * @param seed            the model's seed (keys init, shuffling and dropout)
 * @param epochs          the total epochs the run was asked for
 * @param batchSize       the batch size the run used
 * @param shuffle         whether the run reshuffled every epoch
 * @param validationSplit the held-out fraction of the training data
 * @param callbacks       each stateful callback's {@link Callback#saveState()}, keyed by
 *                        {@code ClassName#k} (k counts callbacks of that class from 0)
 * @param history         the per-epoch logs of every completed epoch, as {@link History#all()}
 */
public record ResumeState(int epochsCompleted, long globalStep, long seed, int epochs, int batchSize, boolean shuffle,
                          double validationSplit, Map<String, Map<String, Object>> callbacks,
                          Map<String, List<Double>> history) {
    /** The {@code format} value of {@code training_state.json}. */
    public static final String FORMAT = "myelin-training-state";
    public static final int FORMAT_VERSION = 1;

    public ResumeState {
        if (epochsCompleted < 0 || globalStep < 0) {
            throw new IllegalArgumentException("epochs_completed and global_step must be >= 0, got "
                    + epochsCompleted + " and " + globalStep);
        }
        Map<String, Map<String, Object>> cb = new LinkedHashMap<>();
        callbacks.forEach((k, v) -> cb.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        callbacks = Collections.unmodifiableMap(cb);
        Map<String, List<Double>> h = new LinkedHashMap<>();
        history.forEach((k, v) -> h.put(k, List.copyOf(v)));
        history = Collections.unmodifiableMap(h);
    }

    /** The state after epoch {@code epochsCompleted} of a running fit. */
    static ResumeState capture(int epochsCompleted, Sequential model, FitConfig cfg, List<Callback> callbacks,
                               History history) {
        Map<String, Map<String, Object>> states = new LinkedHashMap<>();
        keyed(callbacks).forEach((key, c) -> {
            Map<String, Object> s = c.saveState();
            if (!s.isEmpty()) {
                states.put(key, s);
            }
        });
        return new ResumeState(epochsCompleted, model.globalStep(), model.seed(), cfg.epochs(), cfg.batchSize(),
                cfg.shuffle(), cfg.validationSplit(), states, history.all());
    }

    /** Gives each callback its saved state, matched by key; callbacks without saved state start fresh. */
    void restoreCallbacks(List<Callback> list) {
        keyed(list).forEach((key, c) -> {
            Map<String, Object> s = callbacks.get(key);
            if (s != null) {
                c.restoreState(s);
            }
        });
    }

    /** {@code ClassName#k} for each callback, k counting callbacks of the same class from 0. */
    static Map<String, Callback> keyed(List<Callback> callbacks) {
        Map<String, Callback> out = new LinkedHashMap<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Callback c : callbacks) {
            String name = c.getClass().getSimpleName().isEmpty() ? c.getClass().getName() : c.getClass().getSimpleName();
            int k = seen.merge(name, 1, Integer::sum) - 1;
            out.put(name + "#" + k, c);
        }
        return out;
    }

    /** The JSON object of {@code training_state.json}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", FORMAT_VERSION);
        m.put("epochs_completed", epochsCompleted);
        m.put("global_step", globalStep);
        m.put("seed", seed);
        Map<String, Object> fit = new LinkedHashMap<>();
        fit.put("epochs", epochs);
        fit.put("batch_size", batchSize);
        fit.put("shuffle", shuffle);
        fit.put("validation_split", validationSplit);
        m.put("fit", fit);
        m.put("callbacks", callbacks);
        m.put("history", history);
        return m;
    }

    /**
     * Parses {@link #toMap()}'s form strictly (through {@link ConfigObject}): every key known, whole numbers in
     * range ({@code epochs_completed} 4294967298 is refused, not read as 2), {@code batch_size} and {@code epochs}
     * at least 1, {@code epochs_completed} at most {@code epochs}, {@code validation_split} in [0, 1), and every
     * history list {@code epochs_completed} numbers long. A {@link ConfigException} names {@code where} and the key.
     */
    public static ResumeState fromMap(Map<String, ?> m, String where) {
        ConfigObject c = ConfigObject.of(m, where);
        String format = c.string("format", null);
        if (!FORMAT.equals(format)) {
            throw c.error("not a training state: \"format\" is " + (format == null ? "missing" : "\"" + format + "\"")
                    + ", expected \"" + FORMAT + "\"");
        }
        int version = c.requiredInteger("format_version");
        if (version != FORMAT_VERSION) {
            throw c.error("format_version " + version + " is not supported (this myelin reads " + FORMAT_VERSION + ")");
        }
        int completed = c.requiredInteger("epochs_completed");
        long globalStep = requiredLong(c, "global_step");
        long seed = requiredLong(c, "seed");
        if (completed < 0 || globalStep < completed) {
            throw c.error("\"epochs_completed\" must be >= 0 and \"global_step\" at least that (one step per epoch), "
                    + "got " + completed + " and " + globalStep);
        }
        ConfigObject fit = c.object("fit");
        if (fit == null) {
            throw c.missing("fit", "");
        }
        int epochs = fit.requiredInteger("epochs");
        int batchSize = fit.requiredInteger("batch_size");
        if (!fit.has("shuffle")) {
            throw fit.missing("shuffle", "");
        }
        boolean shuffle = fit.bool("shuffle", true);
        double validationSplit = fit.number("validation_split", 0);
        if (batchSize < 1) {
            throw fit.error("\"batch_size\" must be at least 1, got " + batchSize);
        }
        if (epochs < 1 || completed > epochs) {
            throw fit.error("\"epochs\" must be at least 1 and at least epochs_completed " + completed + ", got " + epochs);
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw fit.error("\"validation_split\" must be in [0, 1), got " + validationSplit);
        }
        fit.finish();
        ConfigObject cbs = c.object("callbacks");
        if (cbs == null) {
            throw c.missing("callbacks", "");
        }
        Map<String, Map<String, Object>> callbacks = new LinkedHashMap<>();
        for (String key : keys(c, "callbacks")) {
            ConfigObject one = cbs.object(key);
            if (one == null) {
                throw cbs.error("\"" + key + "\" must be a JSON object");
            }
            callbacks.put(key, castObject(((Map<?, ?>) c.raw("callbacks")).get(key)));
        }
        ConfigObject hist = c.object("history");
        if (hist == null) {
            throw c.missing("history", "");
        }
        Map<String, List<Double>> history = new LinkedHashMap<>();
        for (String key : keys(c, "history")) {
            List<?> list = hist.list(key);
            if (list == null) {
                throw hist.error("\"" + key + "\" must be a list of numbers");
            }
            if (list.size() != completed) {
                throw hist.error("\"" + key + "\" has " + list.size() + " values but epochs_completed is " + completed
                        + " (one value per epoch)");
            }
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object o = list.get(i);
                try {
                    values.add(o instanceof Number n ? n.doubleValue() : Double.parseDouble((String) o));
                } catch (ClassCastException | NumberFormatException e) {
                    throw hist.error("\"" + key + "\"[" + i + "] must be a number, got " + o);
                }
            }
            history.put(key, values);
        }
        cbs.finish();
        hist.finish();
        c.finish();
        return new ResumeState(completed, globalStep, seed, epochs, batchSize, shuffle, validationSplit, callbacks, history);
    }

    private static long requiredLong(ConfigObject c, String key) {
        if (!c.has(key)) {
            throw c.missing(key, "");
        }
        return c.longInteger(key, 0);
    }

    /** The keys of the object {@code key} (already checked to be one). */
    private static List<String> keys(ConfigObject c, String key) {
        List<String> out = new ArrayList<>();
        ((Map<?, ?>) c.raw(key)).keySet().forEach(k -> out.add(String.valueOf(k)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castObject(Object o) {
        return (Map<String, Object>) o;
    }
}
