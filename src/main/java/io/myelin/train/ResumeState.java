package io.myelin.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a training run stands after a completed epoch, beyond the weights and the optimizer state: what a
 * resumed run needs to continue the same trajectory. Saved as {@code training_state.json} in a checkpoint
 * (see {@code io.myelin.io.Checkpoints}); {@link FitConfig.Builder#resumeFrom} continues from it.
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

    /** Parses {@link #toMap()}'s form; an {@link IllegalArgumentException} names the key that is wrong. */
    @SuppressWarnings("unchecked")
    public static ResumeState fromMap(Map<String, ?> m) {
        if (!FORMAT.equals(m.get("format"))) {
            throw new IllegalArgumentException("not a training state: \"format\" is " + m.get("format")
                    + ", expected \"" + FORMAT + "\"");
        }
        long version = integer(m, "format_version");
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("format_version " + version + " is not supported (this myelin reads "
                    + FORMAT_VERSION + ")");
        }
        Map<String, ?> fit = object(m, "fit");
        Map<String, Map<String, Object>> callbacks = new LinkedHashMap<>();
        object(m, "callbacks").forEach((k, v) -> {
            if (!(v instanceof Map<?, ?> s)) {
                throw new IllegalArgumentException("callbacks." + k + " must be an object");
            }
            callbacks.put(k, (Map<String, Object>) s);
        });
        Map<String, List<Double>> history = new LinkedHashMap<>();
        object(m, "history").forEach((k, v) -> {
            if (!(v instanceof List<?> list)) {
                throw new IllegalArgumentException("history." + k + " must be a list of numbers");
            }
            List<Double> values = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Number || o instanceof String)) {
                    throw new IllegalArgumentException("history." + k + " holds " + o + ", not a number");
                }
                values.add(o instanceof Number n ? n.doubleValue() : Double.parseDouble((String) o));
            }
            history.put(k, values);
        });
        if (!(fit.get("shuffle") instanceof Boolean shuffle)) {
            throw new IllegalArgumentException("fit.shuffle must be true or false");
        }
        return new ResumeState((int) integer(m, "epochs_completed"), integer(m, "global_step"), integer(m, "seed"),
                (int) integer(fit, "epochs"), (int) integer(fit, "batch_size"), shuffle,
                Callback.number((Map<String, Object>) fit, "validation_split", 0), callbacks, history);
    }

    private static long integer(Map<String, ?> m, String key) {
        if (!(m.get(key) instanceof Number n) || n.doubleValue() != n.longValue()) {
            throw new IllegalArgumentException("\"" + key + "\" must be an integer, got " + m.get(key));
        }
        return n.longValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> object(Map<String, ?> m, String key) {
        if (!(m.get(key) instanceof Map<?, ?> o)) {
            throw new IllegalArgumentException("\"" + key + "\" must be an object");
        }
        return (Map<String, ?>) o;
    }
}
