package io.myelin.optim;

import io.myelin.backend.Backend;
import io.myelin.backend.OptimizerKind;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.config.ConfigObject;
import io.myelin.nn.Parameter;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What every optimizer shares: the learning rate (the current one, which schedules and reduce-on-plateau
 * change, and the base one they scale from), the step count, decoupled weight decay, global-norm clipping and
 * the per-parameter state on the backend. Each step runs one fused {@link Backend#optimizerUpdate} per
 * parameter, with the parameter's L1/L2 penalty folded in. One subclass per update rule, each with its
 * fields named, its defaults from FEATURES.md and its paper cited: {@link Sgd}, {@link Momentum} (classic
 * or Nesterov), {@link RmsProp}, {@link Adam} (AdamW with a weight decay) and {@link Adamax}. Each is made by
 * its builder:
 *
 * <pre>{@code
 * Optimizer adam = Adam.builder().learningRate(1e-3f).build();
 * Optimizer nesterov = Momentum.builder().momentum(0.9f).nesterov(true).clipNorm(1f).build();
 * }</pre>
 *
 * <p>Global-norm clipping scales every gradient by {@code min(1, clipNorm/||g||)} before the update,
 * computed on the backend from existing ops (nothing is read back, so clipping adds no device sync).
 */
public abstract sealed class Optimizer permits Sgd, Momentum, RmsProp, AdamFamily {
    private static final Map<String, SpecType> SPEC_TYPES = specTypes();

    /** The optimizer types a spec may name. */
    public static final List<String> TYPES = List.copyOf(SPEC_TYPES.keySet());

    private final OptimizerKind kind;
    private final String specType;
    private final List<String> stateNames;
    private final float baseLearningRate;
    private final float weightDecay;
    private final float clipNorm;
    private final float baseMomentum;
    private float learningRate;
    private long steps;
    private float momentum;

    /**
     * Checks the builder's values and keeps them, with what the subclass is: the fused update it runs, its
     * spec's {@code "type"}, the names of its per-parameter state slots and the initial value of its
     * {@link #momentum()} term.
     */
    Optimizer(Builder<?, ?> b, OptimizerKind kind, String specType, List<String> stateNames, float momentum) {
        requirePositive("lr", b.learningRate);
        b.checkHyperparameters();
        requireNonNegative("weight_decay", b.weightDecay);
        requireNonNegative("clipnorm", b.clipNorm);
        this.kind = kind;
        this.specType = specType;
        this.stateNames = stateNames;
        this.baseLearningRate = b.learningRate;
        this.learningRate = b.learningRate;
        this.weightDecay = b.weightDecay;
        this.clipNorm = b.clipNorm;
        this.baseMomentum = momentum;
        this.momentum = momentum;
    }

    /** Where builder messages place a refused value; a spec reader replaces it by the spec object's place. */
    private static final String PLACE = "optimizer: ";

    /**
     * Refuses a hyperparameter with {@code "optimizer: " + message}; the message names the spec key, so the
     * builder and the spec reader refuse a value in the same words.
     */
    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(PLACE + message);
        }
    }

    /** A fraction in [0, 1), such as a momentum or a decay rate (NaN is refused). */
    static void requireFraction(String key, float value) {
        require(value >= 0 && value < 1, key + " must be in [0, 1), got " + value);
    }

    /** A finite number &gt; 0, such as lr or eps. */
    static void requirePositive(String key, float value) {
        require(value > 0 && Float.isFinite(value), key + " must be a positive number, got " + value);
    }

    /** A finite number &gt;= 0, such as weight_decay or clipnorm, where 0 turns the feature off. */
    static void requireNonNegative(String key, float value) {
        require(value >= 0 && Float.isFinite(value), key + " must be a number >= 0, got " + value);
    }

    // ---------------------------------------------------------------- the spec

    /**
     * A spec type: the learning rate and weight decay it defaults to, and the reader of the keys only it
     * takes (read between {@code lr} and {@code weight_decay}, so a message lists the keys in that order).
     */
    private record SpecType(float learningRate, float weightDecay, Function<ConfigObject, Builder<?, ?>> ownKeys) {
    }

    private static Map<String, SpecType> specTypes() {
        Map<String, SpecType> m = new LinkedHashMap<>();
        m.put("sgd", new SpecType(Sgd.DEFAULT_LEARNING_RATE, 0f, c -> Momentum.readSpec(c, "sgd")));
        m.put("momentum", new SpecType(Momentum.DEFAULT_LEARNING_RATE, 0f, c -> Momentum.readSpec(c, "momentum")));
        m.put("nesterov", new SpecType(Momentum.DEFAULT_LEARNING_RATE, 0f, c -> Momentum.readSpec(c, "nesterov")));
        m.put("rmsprop", new SpecType(RmsProp.DEFAULT_LEARNING_RATE, 0f, RmsProp::readSpec));
        m.put("adam", new SpecType(Adam.DEFAULT_LEARNING_RATE, 0f, c -> AdamFamily.readSpec(c, Adam.builder())));
        m.put("adamw", new SpecType(Adam.DEFAULT_LEARNING_RATE, Adam.ADAMW_WEIGHT_DECAY,
                c -> AdamFamily.readSpec(c, Adam.builder())));
        m.put("adamax", new SpecType(Adamax.DEFAULT_LEARNING_RATE, 0f, c -> AdamFamily.readSpec(c, Adamax.builder())));
        return Collections.unmodifiableMap(m);
    }

    /**
     * From a spec object: {@code {"type": "adam", "lr": 0.001, "beta1": .9, "beta2": .999, "eps": 1e-7}}; types
     * sgd (with momentum, nesterov, ewa, bias_correction), momentum and nesterov (momentum, ewa,
     * bias_correction), rmsprop (rho, eps), adam, adamw and adamax (beta1, beta2, eps); every type takes lr,
     * weight_decay and clipnorm. The caller calls {@link ConfigObject#finish()}, so that a key this type does
     * not use, such as {@code momentum} for adam, is refused.
     */
    public static Optimizer fromConfig(ConfigObject c) {
        c.suggest("learning_rate", "lr");
        SpecType type = SPEC_TYPES.get(c.choice("type", "sgd", TYPES, "optimizer"));
        float lr = c.float32("lr", type.learningRate());
        Builder<?, ?> b = type.ownKeys().apply(c);
        b.weightDecay(c.float32("weight_decay", type.weightDecay()));
        b.clipNorm(c.float32("clipnorm", 0f));
        try {
            return b.learningRate(lr).build();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw c.error(m.startsWith(PLACE) ? m.substring(PLACE.length()) : m);
        }
    }

    /**
     * The spec of this optimizer for model files, which {@link #fromConfig} reads back as an equal optimizer:
     * the type, the base learning rate, every hyperparameter of the type (the momentum term as built, not as
     * 1cycle left it), and weight_decay and clipnorm when set.
     */
    public final Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", specType);
        m.put("lr", baseLearningRate);
        putSpec(m);
        if (weightDecay > 0) {
            m.put("weight_decay", weightDecay);
        }
        if (clipNorm > 0) {
            m.put("clipnorm", clipNorm);
        }
        return m;
    }

    /** Adds the spec keys only this optimizer has, after {@code type} and {@code lr} (none for SGD). */
    void putSpec(Map<String, Object> spec) {
    }

    // ---------------------------------------------------------------- hyperparameters

    /** The fused update this optimizer runs (the optimizer file's {@code optimizer} metadata is its name). */
    public final OptimizerKind kind() {
        return kind;
    }

    /** The learning rate of the next step. */
    public float learningRate() {
        return learningRate;
    }

    /** The momentum term given at construction (see {@link #momentum()}; 0 for {@link Sgd} and {@link RmsProp}). */
    public final float baseMomentum() {
        return baseMomentum;
    }

    /** The learning rate given at construction (schedules scale from it). */
    public float baseLearningRate() {
        return baseLearningRate;
    }

    /** Sets the learning rate of the next steps (schedules, reduce-on-plateau, resuming). */
    public void setLearningRate(float lr) {
        this.learningRate = lr;
    }

    /**
     * The momentum term, which 1cycle cycles inversely to the learning rate and the optimizer file records:
     * mu for {@link Momentum}, beta1 for {@link Adam} and {@link Adamax} (as PyTorch's OneCycleLR does).
     * {@link Sgd} and {@link RmsProp} have no such term: they keep the value last set (0 at first) for the
     * optimizer file, and no update reads it.
     */
    public final float momentum() {
        return momentum;
    }

    /**
     * Whether an update reads the {@link #momentum()} term (mu, or beta1), so that a schedule cycling it
     * changes something: true for {@link Momentum}, {@link Adam} and {@link Adamax}.
     */
    public boolean hasMomentumTerm() {
        return false;
    }

    /** Sets the term {@link #momentum()} returns (1cycle, resuming). */
    public final void setMomentum(float mu) {
        this.momentum = mu;
    }

    /** Steps taken (the t of bias correction). */
    public long steps() {
        return steps;
    }

    public void setSteps(long steps) {
        this.steps = steps;
    }

    /** Names of the per-parameter state slots in optimizer files, in state slot order. */
    public final List<String> stateNames() {
        return stateNames;
    }

    // ---------------------------------------------------------------- the step

    /** Applies one update to every parameter that has a gradient this step, then clears the gradients. */
    public void step(List<Parameter> params) {
        steps++;
        if (clipNorm > 0) {
            GlobalNormClipping.scale(params, clipNorm);
        }
        for (Parameter p : params) {
            Tensor w = p.value();
            if (p.isBuffer() || !w.requiresGrad() || !w.hasGrad()) {
                continue;
            }
            ensureState(p);
            w.backend().optimizerUpdate(update(p.l1(), p.l2()), w, w.grad(), p.state(0), p.state(1));
            w.zeroGrad();
        }
    }

    /** The update of the current step for a parameter with these L1/L2 factors. */
    OptimizerUpdate update(float l1, float l2) {
        return hyperparameters(OptimizerUpdate.builder(kind())).lr(learningRate).weightDecay(weightDecay)
                .regularization(l1, l2).step(steps).build();
    }

    /** Fills in the fields of the update only this optimizer has (none for SGD). */
    OptimizerUpdate.Builder hyperparameters(OptimizerUpdate.Builder u) {
        return u;
    }

    private void ensureState(Parameter p) {
        int n = stateNames().size();
        for (int i = 0; i < n; i++) {
            if (p.state(i) == null) {
                Tensor w = p.value();
                p.setState(i, Scope.unscoped(() -> Tensor.zeros(w.backend(), w.shape())));
            }
        }
    }

    // ---------------------------------------------------------------- builders

    /**
     * The settings every optimizer has; each optimizer's builder adds its own. Values are checked by
     * {@link #build()}.
     *
     * @param <B> the concrete builder, so that the setters chain
     * @param <O> the optimizer it builds
     */
    public abstract static class Builder<B extends Builder<B, O>, O extends Optimizer> {
        private final Function<B, O> constructor;
        float learningRate;
        float weightDecay;
        float clipNorm;

        Builder(float defaultLearningRate, Function<B, O> constructor) {
            this.learningRate = defaultLearningRate;
            this.constructor = constructor;
        }

        /** The learning rate (the base schedules scale from); the default is the optimizer's. */
        public B learningRate(float lr) {
            this.learningRate = lr;
            return self();
        }

        /** Decoupled weight decay: each step also subtracts {@code lr*weightDecay*w}; default 0. */
        public B weightDecay(float decay) {
            this.weightDecay = decay;
            return self();
        }

        /** Clip the global gradient norm to this before each update; default 0, no clipping. */
        public B clipNorm(float norm) {
            this.clipNorm = norm;
            return self();
        }

        @SuppressWarnings("unchecked")   // B is this builder's own class, by the bound
        final B self() {
            return (B) this;
        }

        /** Checks the optimizer's own hyperparameters, between lr and weight_decay (none for SGD). */
        void checkHyperparameters() {
        }

        /** The optimizer, its values checked. */
        public final O build() {
            return constructor.apply(self());
        }
    }
}
