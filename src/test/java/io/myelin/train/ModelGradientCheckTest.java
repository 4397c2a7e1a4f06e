package io.myelin.train;

import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.loss.Loss;
import io.myelin.loss.Losses;
import io.myelin.nn.ActivationLayer;
import io.myelin.nn.AveragePooling2D;
import io.myelin.nn.Conv2D;
import io.myelin.nn.Flatten;
import io.myelin.nn.GlobalAveragePooling2D;
import io.myelin.nn.MaxPool2D;
import io.myelin.nn.BatchNormalization;
import io.myelin.nn.Dense;
import io.myelin.nn.Dropout;
import io.myelin.nn.ForwardContext;
import io.myelin.nn.PRelu;
import io.myelin.nn.Parameter;
import io.myelin.optim.Optimizer;
import io.myelin.random.SeededRandom;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import io.myelin.testing.TestBackend;
import io.myelin.testing.TestBackends;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference gradient checks through whole models: every parameter's autograd gradient is compared
 * with central differences of the loss, in float32 with a step and tolerance suited to it, on every backend
 * ({@link TestBackends}). The tolerance is the same on each: the loss is a float32 sum on every backend, and
 * CUDA's libdevice functions differ from the CPU's by a few ulp, far below the step's truncation error.
 */
class ModelGradientCheckTest {

    /**
     * One model; {@code h} is the central-difference step: 1e-2, or smaller (1e-3, 2e-4) where max pooling's winner could
     * change within a larger step (a kink, not a gradient error).
     */
    record Case(String name, int[] shape, int out, String loss, Consumer<Sequential> layers, float h) {
        Case(String name, int in, int out, String loss, Consumer<Sequential> layers) {
            this(name, new int[] {in}, out, loss, layers, 1e-2f);
        }

        Case(String name, int[] shape, int out, String loss, Consumer<Sequential> layers) {
            this(name, shape, out, loss, layers, 1e-2f);
        }

        int in() {
            return io.myelin.nn.Shapes.product(shape);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("tanh-softmax-sparseCE (fused)", 5, 3, "sparse_categorical_crossentropy",
                        m -> m.add(new Dense(6, "tanh")).add(new Dense(3, "softmax"))),
                new Case("sigmoid-softmax-onehotCE", 5, 3, "categorical_crossentropy",
                        m -> m.add(new Dense(6, "sigmoid")).add(new Dense(3)).add(new ActivationLayer("softmax"))),
                new Case("gelu-selu-elu-mse", 4, 2, "mse",
                        m -> m.add(new Dense(5, "gelu")).add(new Dense(5, "selu")).add(new Dense(2, "elu"))),
                new Case("swish-leaky-gelu_tanh-huber", 4, 2, "huber",
                        m -> m.add(new Dense(5, "swish")).add(new Dense(5, "leaky_relu")).add(new Dense(2, "gelu_tanh"))),
                new Case("batchnorm-prelu-mae", 4, 1, "mae",
                        m -> m.add(new Dense(6)).add(new BatchNormalization(0.9f, 1e-3f, true, true, false))
                                .add(new PRelu()).add(new Dense(1))),
                new Case("dropout-relu-bce", 4, 1, "binary_crossentropy",
                        m -> m.add(new Dense(8, "tanh")).add(new Dropout(0.3f)).add(new Dense(1, "sigmoid"))),
                new Case("logits-bce", 4, 1, "binary_crossentropy_from_logits",
                        m -> m.add(new Dense(6, "tanh")).add(new Dense(1))),
                new Case("hinge", 4, 1, "hinge", m -> m.add(new Dense(1))),
                new Case("softmax-standalone-mse", 4, 3, "mse",
                        m -> m.add(new Dense(3, "softmax"))),
                // convolutional networks (channels-first images, one row per sample)
                new Case("conv2d-same-flatten-sparseCE", new int[] {2, 5, 5}, 3, "sparse_categorical_crossentropy",
                        m -> m.add(new Conv2D(3, 3, "tanh").padding(true)).add(new Flatten()).add(new Dense(3, "softmax"))),
                new Case("conv2d-maxpool2d-conv1x1-avgpool2d-mse", new int[] {1, 7, 7}, 2, "mse",
                        m -> m.add(new Conv2D(4, 3, "tanh")).add(new MaxPool2D(2))
                                .add(new Conv2D(2, 1, "linear")).add(new AveragePooling2D(2, 2, 1, 1, true))
                                .add(new Flatten()).add(new Dense(2)), 1e-3f),
                new Case("conv2d-stride2-batchnorm2d-global_avgpool2d-CE", new int[] {3, 6, 6}, 3,
                        "sparse_categorical_crossentropy",
                        m -> m.add(new Conv2D(4, 3, "linear").strides(2, 2).padding(true))
                                .add(new BatchNormalization(0.9f, 1e-3f, true, true, false))
                                .add(new ActivationLayer("tanh")).add(new GlobalAveragePooling2D())
                                .add(new Dense(3, "softmax"))),
                new Case("conv2d-5x5-dropout-maxpool2d-same-bce", new int[] {2, 6, 5}, 1, "binary_crossentropy",
                        m -> m.add(new Conv2D(3, 5, 5, io.myelin.nn.ActivationFunction.parse("tanh")).padding(true))
                                .add(new Dropout(0.25f)).add(new MaxPool2D(3, 3, 2, 2, true)).add(new Flatten())
                                .add(new Dense(1, "sigmoid")), 2e-4f),
                new Case("flatten-alone-mse", new int[] {2, 3, 3}, 2, "mse",
                        m -> m.add(new Flatten()).add(new Dense(2, "tanh"))));
    }

    static Stream<Arguments> casesOnBackends() {
        return TestBackends.withEach(cases());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("casesOnBackends")
    void autogradMatchesFiniteDifferences(TestBackend backend, Case c) {
        Backend cpu = backend.get();
        int n = 7;
        Loss loss = Losses.create(c.loss);
        SeededRandom rng = new SeededRandom(7, 1);
        float[] x = new float[n * c.in()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        float[] y = targets(loss, n, c.out, rng);
        try (Sequential m = new Sequential(cpu, c.shape, 11)) {
            c.layers.accept(m);
            m.compile(loss, Optimizer.sgd(0.1f), List.of());
            int checked = 0;
            for (Parameter p : m.parameters()) {
                float[] analytic = analyticGrad(cpu, m, p, x, y, n, c);
                float[] w = p.value().toArray();
                for (int i = 0; i < w.length; i++) {
                    float h = c.h;
                    float orig = w[i];
                    w[i] = orig + h;
                    p.value().set(w);
                    double lp = lossValue(cpu, m, x, y, n, c);
                    w[i] = orig - h;
                    p.value().set(w);
                    double lm = lossValue(cpu, m, x, y, n, c);
                    w[i] = orig;
                    p.value().set(w);
                    double numeric = (lp - lm) / (2 * h);
                    double err = Math.abs(numeric - analytic[i]);
                    // float32 evaluation noise of the central difference: a few ulps of the loss over 2h (tiny at
                    // the default step; it matters for the pooling cases, whose small step avoids crossing a max)
                    double noise = 4 * Math.ulp((float) Math.max(Math.abs(lp), Math.abs(lm))) / (2 * h);
                    double tol = 5e-4 + 5e-3 * Math.abs(numeric) + noise;
                    final int idx = i;
                    assertTrue(err <= tol, () -> c.name + " " + p.name() + "[" + idx + "]: autograd " + analytic[idx]
                            + " vs numeric " + numeric);
                    checked++;
                }
            }
            assertTrue(checked > 0, "no parameters checked for " + c.name);
        }
    }

    private static float[] targets(Loss loss, int n, int k, SeededRandom rng) {
        float[] y;
        switch (loss.targetKind()) {
            case SPARSE_CLASSES -> {
                y = new float[n];
                for (int i = 0; i < n; i++) {
                    y[i] = rng.nextInt(k);
                }
            }
            case ONE_HOT -> {
                y = new float[n * k];
                for (int i = 0; i < n; i++) {
                    y[i * k + rng.nextInt(k)] = 1f;
                }
            }
            case BINARY -> {
                y = new float[n * k];
                for (int i = 0; i < y.length; i++) {
                    y[i] = rng.nextInt(2);
                }
            }
            case SIGNED -> {
                y = new float[n * k];
                for (int i = 0; i < y.length; i++) {
                    y[i] = rng.nextInt(2) * 2 - 1;
                }
            }
            default -> {
                y = new float[n * k];
                for (int i = 0; i < y.length; i++) {
                    y[i] = (float) (2 * rng.nextGaussian());
                }
            }
        }
        return y;
    }

    private static ForwardContext ctx(Sequential m) {
        // training mode (dropout + batch statistics) with a fixed step, so the dropout mask is the same each pass
        return new ForwardContext(true, false, m.seed(), 5, m.fusesSoftmax());
    }

    private static double lossValue(Backend cpu, Sequential m, float[] x, float[] y, int n, Case c) {
        try (Scope s = Scope.open()) {
            Tensor xb = Tensor.of(cpu, x, n, c.in());
            Tensor yb = Tensor.of(cpu, y, n, y.length / n);
            return m.dataLoss(m.forward(xb, ctx(m)), yb).item();
        }
    }

    private static float[] analyticGrad(Backend cpu, Sequential m, Parameter p, float[] x, float[] y, int n, Case c) {
        try (Scope s = Scope.open(); Tape tape = Tape.open()) {
            Tensor xb = Tensor.of(cpu, x, n, c.in());
            Tensor yb = Tensor.of(cpu, y, n, y.length / n);
            Tensor loss = m.dataLoss(m.forward(xb, ctx(m)), yb);
            tape.backward(loss);
            float[] g = p.value().grad().toArray();
            for (Parameter q : m.parameters()) {
                q.value().zeroGrad();
            }
            return g;
        }
    }
}
