package io.myelin.optim;

import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.OptimizerKind;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.backend.UnaryOp;
import io.myelin.config.ConfigObject;
import io.myelin.nn.Parameter;
import io.myelin.ops.Reductions;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer: hyperparameters, a step counter and per-parameter state on the backend; each step runs one
 * fused {@link Backend#optimizerUpdate} per parameter (L1/L2 and decoupled weight decay folded in).
 * Optional global-norm clipping scales every gradient by {@code min(1, clipNorm/||g||)}, computed on the
 * backend from existing ops (nothing is read back, so clipping adds no device sync).
 *
 * <pre>{@code
 * Optimizer adam = Optimizer.adam(1e-3f);
 * }</pre>
 */
public final class Optimizer {
    /** The optimizer types a spec may name. */
    public static final List<String> TYPES = List.of("sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "adamax");

    private OptimizerUpdate config;
    private final float baseLr;
    private float clipNorm;
    private long step;

    public Optimizer(OptimizerUpdate config) {
        validate(config);
        this.config = config;
        this.baseLr = config.lr();
    }

    private static void validate(OptimizerUpdate u) {
        check(u.lr() > 0 && Float.isFinite(u.lr()), "lr must be a positive number, got " + u.lr());
        check(u.momentum() >= 0 && u.momentum() < 1, "momentum must be in [0, 1), got " + u.momentum());
        check(u.beta1() >= 0 && u.beta1() < 1, "beta1 must be in [0, 1), got " + u.beta1());
        check(u.beta2() >= 0 && u.beta2() < 1, "beta2 must be in [0, 1), got " + u.beta2());
        check(u.rho() >= 0 && u.rho() < 1, "rho must be in [0, 1), got " + u.rho());
        check(u.eps() >= 0 && Float.isFinite(u.eps()), "eps must be >= 0, got " + u.eps());
        check(u.weightDecay() >= 0, "weight_decay must be >= 0, got " + u.weightDecay());
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("optimizer: " + message);
        }
    }

    private static OptimizerUpdate base(OptimizerKind kind, float lr) {
        return new OptimizerUpdate(kind, lr, 0.9f, 0.9f, 0.999f, 0.9f, 1e-7f, 0f, 0f, 0f, 1f, false, false, 0);
    }

    public static Optimizer sgd(float lr) {
        return new Optimizer(base(OptimizerKind.SGD, lr));
    }

    public static Optimizer momentum(float lr, float mu) {
        return new Optimizer(base(OptimizerKind.MOMENTUM, lr).withMomentum(mu));
    }

    public static Optimizer nesterov(float lr, float mu) {
        return new Optimizer(base(OptimizerKind.NESTEROV, lr).withMomentum(mu));
    }

    public static Optimizer rmsprop(float lr) {
        return new Optimizer(base(OptimizerKind.RMSPROP, lr));
    }

    public static Optimizer adam(float lr) {
        return new Optimizer(base(OptimizerKind.ADAM, lr));
    }

    public static Optimizer adamax(float lr) {
        return new Optimizer(base(OptimizerKind.ADAMAX, lr));
    }

    /**
     * From a spec: {@code {"type": "adam", "lr": 0.001, "beta1": .9, "beta2": .999, "eps": 1e-7}}; types sgd
     * (with momentum, nesterov, ewa, bias_correction), momentum and nesterov (momentum, ewa, bias_correction),
     * rmsprop (rho, eps), adam, adamw and adamax (beta1, beta2, eps); every type takes lr, weight_decay and
     * clipnorm. A key the type does not use is an error (see {@link #fromConfig}).
     */
    public static Optimizer fromSpec(Map<String, ?> spec) {
        ConfigObject c = ConfigObject.of(spec, "optimizer");
        Optimizer o = fromConfig(c);
        c.finish();
        return o;
    }

    /**
     * Reads the keys of {@link #fromSpec} from {@code c} (the caller calls {@link ConfigObject#finish()}, so
     * that a key this type does not use, such as {@code momentum} for adam, is refused).
     */
    public static Optimizer fromConfig(ConfigObject c) {
        c.suggest("learning_rate", "lr");
        String type = c.choice("type", "sgd", TYPES, "optimizer");
        float lr = c.float32("lr", switch (type) {
            case "rmsprop", "adam", "adamw" -> 0.001f;
            case "adamax" -> 0.002f;
            default -> 0.01f;
        });
        OptimizerKind kind;
        float mu = 0f;
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        float rho = 0.9f;
        float eps = 1e-7f;
        boolean ewa = false;
        boolean biasCorrection = false;
        switch (type) {
            case "sgd", "momentum", "nesterov" -> {
                mu = c.float32("momentum", type.equals("sgd") ? 0f : 0.9f);
                boolean nesterov = type.equals("nesterov") || type.equals("sgd") && c.bool("nesterov", false);
                if (nesterov && mu == 0f) {
                    mu = 0.9f;
                }
                kind = nesterov ? OptimizerKind.NESTEROV
                        : type.equals("momentum") || mu > 0 ? OptimizerKind.MOMENTUM : OptimizerKind.SGD;
                ewa = c.bool("ewa", false);
                biasCorrection = c.bool("bias_correction", false);
            }
            case "rmsprop" -> {
                kind = OptimizerKind.RMSPROP;
                rho = c.float32("rho", rho);
                eps = c.float32("eps", eps);
            }
            default -> {
                kind = type.equals("adamax") ? OptimizerKind.ADAMAX : OptimizerKind.ADAM;
                beta1 = c.float32("beta1", beta1);
                beta2 = c.float32("beta2", beta2);
                eps = c.float32("eps", eps);
            }
        }
        float wd = c.float32("weight_decay", type.equals("adamw") ? 0.01f : 0f);
        float clipNorm = c.float32("clipnorm", 0f);
        Optimizer o = new Optimizer(new OptimizerUpdate(kind, lr, mu, beta1, beta2, rho, eps, 0f, 0f, wd, 1f, ewa,
                biasCorrection, 0));
        check(clipNorm >= 0, "clipnorm must be >= 0, got " + clipNorm);
        o.clipNorm = clipNorm;
        return o;
    }

    /** The spec of this optimizer for model files. */
    public Map<String, Object> toSpec() {
        Map<String, Object> m = new LinkedHashMap<>();
        OptimizerUpdate u = config;
        m.put("type", switch (u.kind()) {
            case SGD, MOMENTUM, NESTEROV -> "sgd";
            case RMSPROP -> "rmsprop";
            case ADAM -> u.weightDecay() > 0 ? "adamw" : "adam";
            case ADAMAX -> "adamax";
        });
        m.put("lr", baseLr);
        switch (u.kind()) {
            case MOMENTUM, NESTEROV -> {
                m.put("momentum", u.momentum());
                m.put("nesterov", u.kind() == OptimizerKind.NESTEROV);
                if (u.ewa()) {
                    m.put("ewa", true);
                    m.put("bias_correction", u.biasCorrection());
                }
            }
            case RMSPROP -> {
                m.put("rho", u.rho());
                m.put("eps", u.eps());
            }
            case ADAM, ADAMAX -> {
                m.put("beta1", u.beta1());
                m.put("beta2", u.beta2());
                m.put("eps", u.eps());
            }
            default -> { }
        }
        if (u.weightDecay() > 0) {
            m.put("weight_decay", u.weightDecay());
        }
        if (clipNorm > 0) {
            m.put("clipnorm", clipNorm);
        }
        return m;
    }

    public OptimizerKind kind() {
        return config.kind();
    }

    public float learningRate() {
        return config.lr();
    }

    /** The learning rate given at construction (schedules scale from it). */
    public float baseLearningRate() {
        return baseLr;
    }

    public void setLearningRate(float lr) {
        config = config.withLr(lr);
    }

    /** The momentum term 1cycle cycles: beta1 for Adam and AdaMax (as PyTorch's OneCycleLR does), else mu. */
    public float momentum() {
        return usesBeta1() ? config.beta1() : config.momentum();
    }

    /** Used by 1cycle, which cycles momentum (Adam's and AdaMax's beta1) inversely to the learning rate. */
    public void setMomentum(float mu) {
        config = usesBeta1() ? config.withBeta1(mu) : config.withMomentum(mu);
    }

    private boolean usesBeta1() {
        return config.kind() == OptimizerKind.ADAM || config.kind() == OptimizerKind.ADAMAX;
    }

    public void setClipNorm(float clipNorm) {
        this.clipNorm = clipNorm;
    }

    /** Steps taken (the t of bias correction). */
    public long steps() {
        return step;
    }

    public void setSteps(long steps) {
        this.step = steps;
    }

    /** Applies one update to every parameter that has a gradient this step, then clears the gradients. */
    public void step(List<Parameter> params) {
        step++;
        if (clipNorm > 0) {
            clipGradients(params);
        }
        for (Parameter p : params) {
            Tensor w = p.value();
            if (p.isBuffer() || !w.requiresGrad() || !w.hasGrad()) {
                continue;
            }
            ensureState(p);
            OptimizerUpdate u = config.withStep(step).withRegularization(p.l1(), p.l2());
            w.backend().optimizerUpdate(u, w, w.grad(), p.state(0), p.state(1));
            w.zeroGrad();
        }
    }

    private void ensureState(Parameter p) {
        int n = config.stateCount();
        for (int i = 0; i < n; i++) {
            if (p.state(i) == null) {
                Tensor w = p.value();
                p.setState(i, Scope.unscoped(() -> Tensor.zeros(w.backend(), w.shape())));
            }
        }
    }

    /**
     * Scales every gradient in place by {@code min(1, clipNorm / global L2 norm of all gradients)}, on the
     * backend: the squared norms summed into one (1, 1) tensor, the scale {@code clamp(clipNorm/sqrt(s), 0, 1)}
     * (a zero norm gives 1/0 = inf, clamped to 1), broadcast to a row per gradient width and multiplied in.
     */
    private void clipGradients(List<Parameter> params) {
        try (Scope s = Scope.open()) {
            Tensor sumSq = null;
            for (Parameter p : params) {
                Tensor g = p.value().grad();
                if (p.isBuffer() || g == null || !p.value().hasGrad()) {
                    continue;
                }
                Backend be = g.backend();
                Tensor sq = g.emptyLike();
                be.unary(UnaryOp.SQUARE, 0, 0, g, sq);
                Tensor part = Reductions.sumAll(sq);
                if (sumSq == null) {
                    sumSq = part;
                } else {
                    be.binary(BinaryOp.ADD, sumSq, part, sumSq);
                }
            }
            if (sumSq == null) {
                return;
            }
            Backend be = sumSq.backend();
            Tensor scale = sumSq;
            be.unary(UnaryOp.SQRT, 0, 0, scale, scale);
            be.unary(UnaryOp.RECIPROCAL, 0, 0, scale, scale);
            be.unary(UnaryOp.AFFINE, clipNorm, 0f, scale, scale);
            be.unary(UnaryOp.CLAMP, 0f, 1f, scale, scale);
            Map<Integer, Tensor> rows = new HashMap<>();
            for (Parameter p : params) {
                Tensor g = p.value().grad();
                if (p.isBuffer() || g == null || !p.value().hasGrad()) {
                    continue;
                }
                Tensor row = rows.computeIfAbsent(g.cols(), cols -> {
                    Tensor r = Tensor.full(be, 1f, 1, cols);
                    be.binary(BinaryOp.MUL, r, scale, r);   // (1, cols) * (1, 1) as a column broadcast
                    return r;
                });
                be.binary(BinaryOp.MUL, g, row, g);
            }
        }
    }

    /** Names of the state slots for optimizer files: v / s / m, v / m, u. */
    public List<String> stateNames() {
        return switch (config.kind()) {
            case SGD -> List.of();
            case MOMENTUM, NESTEROV -> List.of("velocity");
            case RMSPROP -> List.of("square_avg");
            case ADAM -> List.of("m", "v");
            case ADAMAX -> List.of("m", "u");
        };
    }
}
