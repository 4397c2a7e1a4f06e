package io.myelin.optim;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.backend.OptimizerKind;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The update each optimizer class builds, field by field, and three steps of it on the CPU backend against
 * the rule in the class's javadoc, computed here in double from the hyperparameters as written in the test
 * (non-default ones, so a field left at its default or sent to the wrong slot shows). Every case has an L1 and
 * an L2 factor and a decoupled weight decay, which enter every rule the same way:
 * {@code g' = g + l1*sign(w) + 2*l2*w} and {@code w -= lr*weightDecay*w}.
 */
class OptimizerUpdateRuleTest {
    private static final double L1 = 0.01;
    private static final double L2 = 0.02;
    private static final double WEIGHT_DECAY = 0.05;
    private static final float[] W0 = {0.5f, -1.25f, 0f, 2f};
    private static final float[][] GRADS = {
        {0.1f, -0.3f, 0.2f, 0.05f}, {-0.2f, 0.4f, 0.1f, 0.3f}, {0.3f, 0.1f, -0.5f, -0.2f}};

    /** One element of a rule: the new weight from the old one and g'; it updates its own state. */
    private interface Rule {
        double step(int t, int i, double w, double gp);
    }

    /** Three steps of {@code o} on W0 and GRADS on the CPU backend, compared with {@code rule} element by element. */
    private static void followsTheRule(Optimizer o, Rule rule) {
        double[] expected = new double[W0.length];
        for (int i = 0; i < W0.length; i++) {
            expected[i] = W0[i];
        }
        try (Backend cpu = Backends.create("cpu")) {
            Tensor w = Tensor.of(cpu, W0.clone(), 1, W0.length);
            int slots = o.stateNames().size();
            Tensor s1 = slots > 0 ? Tensor.zeros(cpu, 1, W0.length) : null;
            Tensor s2 = slots > 1 ? Tensor.zeros(cpu, 1, W0.length) : null;
            for (int t = 1; t <= GRADS.length; t++) {
                o.setSteps(t);
                OptimizerUpdate u = o.update((float) L1, (float) L2);
                assertEquals(t, u.step());
                cpu.optimizerUpdate(u, w, Tensor.of(cpu, GRADS[t - 1].clone(), 1, W0.length), s1, s2);
                for (int i = 0; i < W0.length; i++) {
                    double wi = expected[i];
                    double gp = GRADS[t - 1][i] + L1 * Math.signum(wi) + 2 * L2 * wi;
                    expected[i] = rule.step(t, i, wi, gp) - o.learningRate() * WEIGHT_DECAY * wi;
                }
                float[] actual = w.toArray();
                for (int i = 0; i < W0.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-6 * (1 + Math.abs(expected[i])),
                            o.kind() + " w[" + i + "] after step " + t);
                }
            }
        }
    }

    /** The fields every kind shares: lr, weight decay, the parameter's L1/L2, no gradient scale. */
    private static OptimizerUpdate common(Optimizer o, OptimizerKind kind, float lr) {
        o.setSteps(1);
        OptimizerUpdate u = o.update((float) L1, (float) L2);
        assertEquals(kind, u.kind());
        assertEquals(lr, u.lr());
        assertEquals((float) WEIGHT_DECAY, u.weightDecay());
        assertEquals((float) L1, u.l1());
        assertEquals((float) L2, u.l2());
        assertEquals(1f, u.gradScale(), "clipping scales the gradients themselves");
        return u;
    }

    private static void hasMoments(OptimizerUpdate u, float beta1, float beta2, float eps) {
        assertEquals(beta1, u.beta1());
        assertEquals(beta2, u.beta2());
        assertEquals(eps, u.eps());
    }

    @Test
    void sgd() {
        Optimizer o = Sgd.builder().learningRate(0.1f).weightDecay((float) WEIGHT_DECAY).build();
        common(o, OptimizerKind.SGD, 0.1f);
        followsTheRule(o, (t, i, w, gp) -> w - 0.1f * gp);
    }

    @Test
    void classicMomentum() {
        Momentum o = Momentum.builder().learningRate(0.1f).momentum(0.7f).weightDecay((float) WEIGHT_DECAY).build();
        OptimizerUpdate u = common(o, OptimizerKind.MOMENTUM, 0.1f);
        assertEquals(0.7f, u.momentum());
        assertEquals(false, u.ewa());
        double[] v = new double[W0.length];
        followsTheRule(o, (t, i, w, gp) -> {
            v[i] = 0.7f * v[i] + gp;
            return w - 0.1f * v[i];
        });
    }

    @ParameterizedTest(name = "bias correction {0}")
    @ValueSource(booleans = {false, true})
    void momentumAsAnAverage(boolean biasCorrection) {
        Momentum o = Momentum.builder().learningRate(0.1f).momentum(0.7f).ewa(true).biasCorrection(biasCorrection)
                .weightDecay((float) WEIGHT_DECAY).build();
        OptimizerUpdate u = common(o, OptimizerKind.MOMENTUM, 0.1f);
        assertEquals(true, u.ewa());
        assertEquals(biasCorrection, u.biasCorrection());
        double[] v = new double[W0.length];
        double mu = 0.7f;
        followsTheRule(o, (t, i, w, gp) -> {
            v[i] = mu * v[i] + (1 - mu) * gp;
            return w - 0.1f * v[i] / (biasCorrection ? 1 - Math.pow(mu, t) : 1);
        });
    }

    @Test
    void nesterov() {
        Momentum o = Momentum.builder().learningRate(0.1f).momentum(0.7f).nesterov(true)
                .weightDecay((float) WEIGHT_DECAY).build();
        assertEquals(0.7f, common(o, OptimizerKind.NESTEROV, 0.1f).momentum());
        double[] v = new double[W0.length];
        followsTheRule(o, (t, i, w, gp) -> {
            v[i] = 0.7f * v[i] + gp;
            return w - 0.1f * (gp + 0.7f * v[i]);
        });
    }

    @Test
    void rmsprop() {
        RmsProp o = RmsProp.builder().learningRate(0.01f).rho(0.8f).eps(1e-3f).weightDecay((float) WEIGHT_DECAY)
                .build();
        OptimizerUpdate u = common(o, OptimizerKind.RMSPROP, 0.01f);
        assertEquals(0.8f, u.rho());
        assertEquals(1e-3f, u.eps());
        double[] s = new double[W0.length];
        double rho = 0.8f;
        followsTheRule(o, (t, i, w, gp) -> {
            s[i] = rho * s[i] + (1 - rho) * gp * gp;
            return w - 0.01f * gp / (Math.sqrt(s[i]) + 1e-3f);
        });
    }

    @Test
    void adamAndAdamW() {
        Adam o = Adam.builder().learningRate(0.01f).beta1(0.8f).beta2(0.9f).eps(1e-3f)
                .weightDecay((float) WEIGHT_DECAY).build();
        hasMoments(common(o, OptimizerKind.ADAM, 0.01f), 0.8f, 0.9f, 1e-3f);
        double[] m = new double[W0.length];
        double[] v = new double[W0.length];
        double b1 = 0.8f;
        double b2 = 0.9f;
        followsTheRule(o, (t, i, w, gp) -> {
            m[i] = b1 * m[i] + (1 - b1) * gp;
            v[i] = b2 * v[i] + (1 - b2) * gp * gp;
            double mhat = m[i] / (1 - Math.pow(b1, t));
            double vhat = v[i] / (1 - Math.pow(b2, t));
            return w - 0.01f * mhat / (Math.sqrt(vhat) + 1e-3f);
        });
    }

    @Test
    void adamax() {
        Adamax o = Adamax.builder().learningRate(0.02f).beta1(0.7f).beta2(0.95f).eps(1e-4f)
                .weightDecay((float) WEIGHT_DECAY).build();
        hasMoments(common(o, OptimizerKind.ADAMAX, 0.02f), 0.7f, 0.95f, 1e-4f);
        double b1 = 0.7f;
        double b2 = 0.95f;
        double[] m = new double[W0.length];
        double[] inf = new double[W0.length];
        followsTheRule(o, (t, i, w, gp) -> {
            m[i] = b1 * m[i] + (1 - b1) * gp;
            inf[i] = Math.max(b2 * inf[i], Math.abs(gp));
            return w - 0.02f / (1 - Math.pow(b1, t)) * m[i] / (inf[i] + 1e-4f);
        });
    }

    @Test
    void schedulesAndOneCycleReachTheUpdate() {
        Adam adam = Adam.builder().learningRate(0.01f).build();
        adam.setLearningRate(0.005f);
        adam.setMomentum(0.85f);
        adam.setSteps(4);
        OptimizerUpdate u = adam.update(0f, 0f);
        assertEquals(0.005f, u.lr());
        assertEquals(0.85f, u.beta1(), "1cycle cycles Adam's beta1");
        assertEquals(4, u.step());
        assertEquals(0.01f, adam.baseLearningRate(), "the base a schedule scales from stays");

        Momentum sgd = Momentum.builder().build();
        sgd.setMomentum(0.8f);
        assertEquals(0.8f, sgd.update(0f, 0f).momentum());
    }
}
