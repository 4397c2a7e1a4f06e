package io.myelin.backend;

import io.myelin.tensor.Tensor;

import java.util.Random;

import static io.myelin.backend.ContractCases.normal;
import static io.myelin.backend.ContractCases.rejects;
import static io.myelin.backend.ContractCases.t;

/**
 * Optimizer cases of the contract suite: three consecutive steps (t = 1, 2, 3, a new gradient each) of
 * {@link Backend#optimizerUpdate} against a double-precision re-derivation of the {@link OptimizerUpdate}
 * javadoc, once plain and once with every regularizer on (l1, l2, gradScale != 1, decoupled weight decay).
 * Tolerance: atol 1e-6, rtol 1e-5 on weights and state.
 */
final class OptimizerCases {
    private static final int ROWS = 129;
    private static final int COLS = 7;
    private static final double ATOL = 1e-6;
    private static final double RTOL = 1e-5;

    private OptimizerCases() {
    }

    /** Every hyperparameter of every kind set, no regularizer; a new builder on each call. */
    static OptimizerUpdate.Builder base(OptimizerKind kind) {
        return OptimizerUpdate.builder(kind).lr(0.05f).momentum(0.9f).beta1(0.9f).beta2(0.999f).rho(0.9f).eps(1e-7f);
    }

    static OptimizerUpdate.Builder regularized(OptimizerKind kind) {
        return base(kind).regularization(1e-3f, 1e-2f).weightDecay(0.05f).gradScale(0.5f);
    }

    static void kind(Backend b, OptimizerKind kind) {
        check(b, base(kind), "plain");
        check(b, regularized(kind), "l1+l2+gradScale+weightDecay");
        if (base(kind).build().stateCount() > 0) {
            OptimizerUpdate u = base(kind).build();
            rejects("optimizerUpdate " + kind + " without state",
                    "optimizerUpdate " + kind + ": s1 must be a state tensor shaped like w (7, 7), got null",
                    () -> b.optimizerUpdate(u, Tensor.zeros(b, 7, 7), Tensor.zeros(b, 7, 7), null, null));
        }
        rejects("optimizerUpdate " + kind + " with g (7, 6) for w (7, 7)",
                "optimizerUpdate " + kind + ": w (7, 7) and g (7, 6) must have the same shape",
                () -> b.optimizerUpdate(base(kind).build(), Tensor.zeros(b, 7, 7), Tensor.zeros(b, 7, 6),
                        Tensor.zeros(b, 7, 7), Tensor.zeros(b, 7, 7)));
    }

    /** MOMENTUM in its EWA form, without or with bias correction. */
    static void momentumEwa(Backend b, boolean biasCorrection) {
        check(b, regularized(OptimizerKind.MOMENTUM).ewa(true).biasCorrection(biasCorrection),
                "ewa" + (biasCorrection ? "+biasCorrection" : ""));
    }

    /** Three steps of the update {@code builder} describes, its step set to 1, 2, 3. */
    private static void check(Backend b, OptimizerUpdate.Builder builder, String variant) {
        OptimizerUpdate u = builder.build();
        Random r = ContractCases.rng("optimizerUpdate " + u.kind() + " " + variant);
        int n = ROWS * COLS;
        float[] w0 = normal(r, n, 1);
        w0[0] = 0f;   // sign(0) = 0 for the L1 term
        double[] w = new double[n];
        double[] s1 = new double[n];
        double[] s2 = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = w0[i];
        }
        Tensor tw = t(b, w0, ROWS, COLS);
        Tensor ts1 = u.stateCount() >= 1 ? Tensor.zeros(b, ROWS, COLS) : null;
        Tensor ts2 = u.stateCount() >= 2 ? Tensor.zeros(b, ROWS, COLS) : null;
        for (long step = 1; step <= 3; step++) {
            OptimizerUpdate us = builder.step(step).build();
            float[] g = normal(r, n, 1);
            b.optimizerUpdate(us, tw, t(b, g, ROWS, COLS), ts1, ts2);
            for (int i = 0; i < n; i++) {
                reference(us, w, s1, s2, i, g[i]);
            }
            String what = "optimizerUpdate " + u.kind() + " " + variant + " step " + step;
            Approx.assertClose(what + " w", w, tw.toArray(), ATOL, RTOL);
            if (ts1 != null) {
                Approx.assertClose(what + " s1", s1, ts1.toArray(), ATOL, RTOL);
            }
            if (ts2 != null) {
                Approx.assertClose(what + " s2", s2, ts2.toArray(), ATOL, RTOL);
            }
        }
    }

    /** One element of the OptimizerUpdate javadoc, in double. */
    private static void reference(OptimizerUpdate u, double[] w, double[] s1, double[] s2, int i, double g) {
        double wi = w[i];
        double gp = u.gradScale() * g + u.l1() * Math.signum(wi) + 2.0 * u.l2() * wi;
        long t = u.step();
        double lr = u.lr();
        double step = switch (u.kind()) {
            case SGD -> gp;
            case MOMENTUM -> {
                double mu = u.momentum();
                s1[i] = u.ewa() ? mu * s1[i] + (1 - mu) * gp : mu * s1[i] + gp;
                yield u.ewa() && u.biasCorrection() ? s1[i] / (1 - Math.pow(mu, t)) : s1[i];
            }
            case NESTEROV -> {
                s1[i] = u.momentum() * s1[i] + gp;
                yield gp + u.momentum() * s1[i];
            }
            case RMSPROP -> {
                s1[i] = u.rho() * s1[i] + (1 - (double) u.rho()) * gp * gp;
                yield gp / (Math.sqrt(s1[i]) + u.eps());
            }
            case ADAM -> {
                s1[i] = u.beta1() * s1[i] + (1 - (double) u.beta1()) * gp;
                s2[i] = u.beta2() * s2[i] + (1 - (double) u.beta2()) * gp * gp;
                double mhat = s1[i] / (1 - Math.pow(u.beta1(), t));
                double vhat = s2[i] / (1 - Math.pow(u.beta2(), t));
                yield mhat / (Math.sqrt(vhat) + u.eps());
            }
            case ADAMAX -> {
                s1[i] = u.beta1() * s1[i] + (1 - (double) u.beta1()) * gp;
                s2[i] = Math.max(u.beta2() * s2[i], Math.abs(gp));
                yield s1[i] / ((1 - Math.pow(u.beta1(), t)) * (s2[i] + u.eps()));
            }
        };
        w[i] = wi - lr * step - lr * u.weightDecay() * wi;
    }
}
