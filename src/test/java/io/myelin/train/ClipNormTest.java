package io.myelin.train;

import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.loss.Losses;
import io.myelin.nn.Dense;
import io.myelin.nn.ForwardContext;
import io.myelin.nn.Parameter;
import io.myelin.optim.Optimizer;
import io.myelin.optim.Sgd;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import io.myelin.testing.TestBackend;
import io.myelin.testing.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Global-norm clipping, computed on the backend: one SGD step moves every weight by
 * {@code -lr * g * min(1, clipnorm / ||g||)} with ||g|| over all gradients, on every backend; a clipnorm above
 * the norm leaves the step unscaled, and the L1/L2 penalty enters after the clipping, as before.
 */
class ClipNormTest {
    static Stream<Arguments> cases() {
        // clipnorm as a fraction of the gradient's global norm: clipped hard, clipped a little, not clipped
        return TestBackends.withEach(Stream.of(0.1, 0.9, 3.0));
    }

    @ParameterizedTest(name = "{0}: clipnorm {1} x norm")
    @MethodSource("cases")
    void oneStepScalesEveryGradientByTheGlobalNorm(TestBackend backend, double fraction) {
        Backend be = backend.get();
        EncodedData d = SequentialTest.blobs(32, 4);
        try (Sequential m = new Sequential(be, 4, 3)) {
            m.add(new Dense(8, "tanh").regularize(0f, 1e-2f)).add(new Dense(3, "softmax"));
            float lr = 0.5f;
            m.compile(Losses.create("sparse_categorical_crossentropy"), Sgd.builder().learningRate(lr).build(),
                    List.of());
            List<float[]> before = new ArrayList<>();
            List<float[]> grads = new ArrayList<>();
            double sumSq = 0;
            try (Scope s = Scope.open(); Tape tape = Tape.open()) {
                Tensor loss = m.dataLoss(m.forward(Tensor.of(be, d.x(), d.n(), 4),
                        new ForwardContext(true, false, m.seed(), 0, m.fusesSoftmax())), Tensor.of(be, d.y(), d.n(), 1));
                tape.backward(loss);
                for (Parameter p : m.parameters()) {
                    before.add(p.value().toArray());
                    float[] g = p.value().grad().toArray();
                    grads.add(g);
                    for (float v : g) {
                        sumSq += (double) v * v;
                    }
                }
                double norm = Math.sqrt(sumSq);
                assertTrue(norm > 0, "a gradient to clip");
                float clip = (float) (fraction * norm);
                Optimizer sgd = Sgd.builder().learningRate(lr).clipNorm(clip).build();   // set once the norm is known
                sgd.step(m.parameters());
                double scale = Math.min(1, clip / norm);
                for (int k = 0; k < m.parameters().size(); k++) {
                    Parameter p = m.parameters().get(k);
                    float[] w0 = before.get(k);
                    float[] g = grads.get(k);
                    float[] w1 = p.value().toArray();
                    for (int i = 0; i < w0.length; i++) {
                        double expected = w0[i] - lr * (g[i] * scale + 2 * p.l2() * w0[i]);
                        assertEquals(expected, w1[i], 1e-6 + 1e-5 * Math.abs(expected),
                                p.name() + "[" + i + "] after a step with clipnorm " + clip + " (norm " + norm + ")");
                    }
                }
            }
        }
    }
}
