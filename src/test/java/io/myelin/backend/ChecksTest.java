package io.myelin.backend;

import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import io.myelin.testing.UseBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The words of {@link Checks}: one bad call per way each op's check can fail, with the exact message; the
 * same messages from CUDA as from CPU where a GPU is present; the aliasing the SPI allows still accepted;
 * and passing checks allocating nothing (the CPU backend runs them on every op of the training loop).
 */
@SuppressWarnings("try") // scopes are opened for their effect (owning tensors), not referenced
class ChecksTest {

    /** A call that must fail, and the message it must fail with. */
    record BadCall(String message, Consumer<Backend> call) {
        String op() {
            return message.substring(0, message.indexOf(':')).split(" ")[0];
        }
    }

    private static BadCall bad(String message, Consumer<Backend> call) {
        return new BadCall(message, call);
    }

    private static Tensor z(Backend b, int rows, int cols) {
        return Tensor.zeros(b, rows, cols);
    }

    private static OptimizerUpdate update(OptimizerKind kind, long step) {
        return OptimizerUpdate.builder(kind).lr(0.1f).momentum(0.9f).beta1(0.9f).beta2(0.999f).rho(0.9f).eps(1e-7f)
                .step(step).build();
    }

    static List<BadCall> badCalls() {
        return List.of(
            bad("upload: src float[2] and dst (1, 3) must have the same number of elements",
                    b -> b.upload(new float[2], z(b, 1, 3))),
            bad("download: src (1, 3) and dst float[4] must have the same number of elements",
                    b -> b.download(z(b, 1, 3), new float[4])),
            bad("gemm: op(a) (2, 3) from a (3, 2) transposed and op(b) (4, 5) from b (4, 5) must have the"
                    + " same inner dimension", b -> b.gemm(true, false, 1f, z(b, 3, 2), z(b, 4, 5), 0f, z(b, 2, 5))),
            bad("gemm: c (2, 5) must be (2, 4)",
                    b -> b.gemm(false, true, 1f, z(b, 2, 3), z(b, 4, 3), 0f, z(b, 2, 5))),
            bad("gemm: a (3, 3) and c (3, 3) must not share a buffer", b -> {
                Tensor sq = z(b, 3, 3);
                b.gemm(false, false, 1f, sq, z(b, 3, 3), 0f, sq);
            }),
            bad("gemm: b (3, 3) and c (3, 3) must not share a buffer", b -> {
                Tensor sq = z(b, 3, 3);
                b.gemm(false, false, 1f, z(b, 3, 3), sq, 0f, sq);
            }),
            bad("unary ABS: x (2, 3) and out (3, 3) must have the same number of elements",
                    b -> b.unary(UnaryOp.ABS, 0f, 0f, z(b, 2, 3), z(b, 3, 3))),
            bad("binary ADD: x (2, 3) and out (3, 2) must have the same shape",
                    b -> b.binary(BinaryOp.ADD, z(b, 2, 3), z(b, 2, 3), z(b, 3, 2))),
            bad("binary SUB: y (3, 1) must be (2, 3), (1, 3) or (2, 1) to combine with x (2, 3)",
                    b -> b.binary(BinaryOp.SUB, z(b, 2, 3), z(b, 3, 1), z(b, 2, 3))),
            bad("reduce SUM: axis must be 0 (collapse rows) or 1 (collapse columns), got 2 for x (2, 3)",
                    b -> b.reduce(ReduceOp.SUM, 2, z(b, 2, 3), z(b, 2, 1))),
            bad("reduce MAX: out (1, 3) must be (2, 1)",
                    b -> b.reduce(ReduceOp.MAX, 1, z(b, 2, 3), z(b, 1, 3))),
            bad("reduce ARGMAX: x (2, 1) and out (2, 1) must not share a buffer", b -> {
                Tensor col = z(b, 2, 1);
                b.reduce(ReduceOp.ARGMAX, 1, col, col);
            }),
            bad("activationForward RELU: x (2, 3) and y (2, 2) must have the same number of elements",
                    b -> b.activationForward(Activation.RELU, 0f, z(b, 2, 3), z(b, 2, 2))),
            bad("activationBackward TANH: x (2, 3) and dx (3, 3) must have the same number of elements",
                    b -> b.activationBackward(Activation.TANH, 0f, z(b, 2, 3), z(b, 2, 3), z(b, 2, 3), z(b, 3, 3))),
            bad("preluForward: alpha (1, 2) must be (1, 3)",
                    b -> b.preluForward(z(b, 2, 3), z(b, 1, 2), z(b, 2, 3))),
            bad("preluForward: x (2, 3) and y (3, 2) must have the same shape",
                    b -> b.preluForward(z(b, 2, 3), z(b, 1, 3), z(b, 3, 2))),
            bad("preluBackward: dalpha (2, 3) must be (1, 3)",
                    b -> b.preluBackward(z(b, 2, 3), z(b, 1, 3), z(b, 2, 3), z(b, 2, 3), z(b, 2, 3), false)),
            bad("preluBackward: alpha (1, 3) and dx (1, 3) must not share a buffer", b -> {
                Tensor alpha = z(b, 1, 3);
                b.preluBackward(z(b, 1, 3), alpha, z(b, 1, 3), alpha, z(b, 1, 3), false);
            }),
            bad("preluBackward: x (2, 3) and dy (2, 3) must not share a buffer", b -> {
                Tensor x = z(b, 2, 3);
                b.preluBackward(x, z(b, 1, 3), x, z(b, 2, 3), z(b, 1, 3), false);
            }),
            bad("softmax: x (2, 3) and y (2, 2) must have the same shape",
                    b -> b.softmax(z(b, 2, 3), z(b, 2, 2))),
            bad("softmaxCrossEntropy: labels (2, 2) must be one-hot (2, 3) or class indices (2, 1) for logits"
                    + " (2, 3)", b -> b.softmaxCrossEntropy(z(b, 2, 3), z(b, 2, 2), z(b, 2, 3), z(b, 2, 1))),
            bad("softmaxCrossEntropy: loss (1, 2) must be (2, 1)",
                    b -> b.softmaxCrossEntropy(z(b, 2, 3), z(b, 2, 3), z(b, 2, 3), z(b, 1, 2))),
            bad("softmaxCrossEntropy: logits (2, 3) and labels (2, 3) must not share a buffer", b -> {
                Tensor logits = z(b, 2, 3);
                b.softmaxCrossEntropy(logits, logits, z(b, 2, 3), z(b, 2, 1));
            }),
            bad("softmaxCrossEntropyBackward: labels (3, 1) must be one-hot (2, 3) or class indices (2, 1) for"
                    + " probs (2, 3)", b -> b.softmaxCrossEntropyBackward(z(b, 2, 3), z(b, 3, 1), 1f, z(b, 2, 3))),
            bad("softmaxCrossEntropyBackward: probs (2, 3) and dlogits (2, 2) must have the same shape",
                    b -> b.softmaxCrossEntropyBackward(z(b, 2, 3), z(b, 2, 1), 1f, z(b, 2, 2))),
            bad("softmaxCrossEntropyBackward: labels (2, 3) and dlogits (2, 3) must not share a buffer", b -> {
                Tensor labels = z(b, 2, 3);
                b.softmaxCrossEntropyBackward(z(b, 2, 3), labels, 1f, labels);
            }),
            bad("dropoutMask: keep NaN must be in (0, 1]",
                    b -> b.dropoutMask(1, 0, 0, Float.NaN, z(b, 1, 4))),
            bad("batchNormTrain: x (2, 3) and y (3, 2) must have the same shape", b -> b.batchNormTrain(z(b, 2, 3),
                    z(b, 1, 3), z(b, 1, 3), 1e-3f, 0.9f, false, z(b, 1, 3), z(b, 1, 3), z(b, 3, 2), z(b, 1, 3),
                    z(b, 1, 3))),
            bad("batchNormTrain: runningVar (1, 2) must be (1, 3)", b -> b.batchNormTrain(z(b, 2, 3),
                    z(b, 1, 3), z(b, 1, 3), 1e-3f, 0.9f, false, z(b, 1, 3), z(b, 1, 2), z(b, 2, 3), z(b, 1, 3),
                    z(b, 1, 3))),
            bad("batchNormTrain: y (1, 3) and mean (1, 3) must not share a buffer", b -> {
                Tensor ym = z(b, 1, 3);
                b.batchNormTrain(z(b, 1, 3), z(b, 1, 3), z(b, 1, 3), 1e-3f, 0.9f, false, z(b, 1, 3), z(b, 1, 3), ym, ym,
                        z(b, 1, 3));
            }),
            bad("batchNormInfer: gamma (1, 3) and beta (1, 3) must not share a buffer", b -> {
                Tensor gb = z(b, 1, 3);
                b.batchNormInfer(z(b, 2, 3), gb, gb, z(b, 1, 3), z(b, 1, 3), 1e-3f, z(b, 2, 3));
            }),
            bad("batchNormInfer: runningMean (1, 3) and y (1, 3) must not share a buffer", b -> {
                Tensor rm = z(b, 1, 3);
                b.batchNormInfer(z(b, 1, 3), z(b, 1, 3), z(b, 1, 3), rm, z(b, 1, 3), 1e-3f, rm);
            }),
            bad("batchNormBackward: x (2, 3) and dy (3, 2) must have the same shape", b -> b.batchNormBackward(
                    z(b, 2, 3), z(b, 1, 3), z(b, 1, 3), z(b, 1, 3), z(b, 3, 2), z(b, 2, 3), z(b, 1, 3), z(b, 1, 3),
                    false)),
            bad("batchNormBackward: dgamma (1, 3) and dbeta (1, 3) must not share a buffer", b -> {
                Tensor d = z(b, 1, 3);
                b.batchNormBackward(z(b, 2, 3), z(b, 1, 3), z(b, 1, 3), z(b, 1, 3), z(b, 2, 3), z(b, 2, 3), d, d,
                        false);
            }),
            bad("optimizerUpdate ADAM: s2 must be a state tensor shaped like w (2, 3), got null",
                    b -> b.optimizerUpdate(update(OptimizerKind.ADAM, 1), z(b, 2, 3), z(b, 2, 3), z(b, 2, 3), null)),
            bad("optimizerUpdate MOMENTUM: w dense_0.weight (2, 3) and s1 (3, 2) must have the same shape",
                    b -> b.optimizerUpdate(update(OptimizerKind.MOMENTUM, 1), z(b, 2, 3).setName("dense_0.weight"),
                            z(b, 2, 3), z(b, 3, 2), null)),
            bad("optimizerUpdate SGD: step must be >= 1 (1-based), got 0",
                    b -> b.optimizerUpdate(update(OptimizerKind.SGD, 0), z(b, 2, 3), z(b, 2, 3), null, null)),
            bad("optimizerUpdate NESTEROV: ewa applies to MOMENTUM only",
                    b -> b.optimizerUpdate(OptimizerUpdate.builder(OptimizerKind.NESTEROV).lr(0.1f).momentum(0.9f)
                            .ewa(true).build(), z(b, 2, 3), z(b, 2, 3), z(b, 2, 3), null)),
            bad("optimizerUpdate MOMENTUM: biasCorrection applies to the ewa form of MOMENTUM only",
                    b -> b.optimizerUpdate(OptimizerUpdate.builder(OptimizerKind.MOMENTUM).lr(0.1f).momentum(0.9f)
                            .biasCorrection(true).build(), z(b, 2, 3), z(b, 2, 3), z(b, 2, 3), null)),
            bad("optimizerUpdate SGD: w (2, 3) and g (2, 3) must not share a buffer", b -> {
                Tensor w = z(b, 2, 3);
                b.optimizerUpdate(update(OptimizerKind.SGD, 1), w, w, null, null);
            }),
            bad("optimizerUpdate ADAMAX: s1 (2, 3) and s2 (2, 3) must not share a buffer", b -> {
                Tensor s = z(b, 2, 3);
                b.optimizerUpdate(update(OptimizerKind.ADAMAX, 1), z(b, 2, 3), z(b, 2, 3), s, s);
            }),
            bad("gatherRows: indices (2, 2) must be (2, 1)",
                    b -> b.gatherRows(z(b, 3, 2), z(b, 2, 2), z(b, 2, 2))),
            bad("gatherRows: src (3, 1) and indices (3, 1) must not share a buffer", b -> {
                Tensor s = z(b, 3, 1);
                b.gatherRows(s, s, z(b, 3, 1));
            }),
            bad("copy: src (2, 3) and dst (1, 5) must have the same number of elements",
                    b -> b.copy(z(b, 2, 3), z(b, 1, 5))));
    }

    static String messageOf(Backend b, BadCall bad) {
        try (Scope ignored = Scope.open()) {
            return assertThrows(IllegalArgumentException.class, () -> bad.call().accept(b), bad.message()).getMessage();
        }
    }

    @Test
    void everyCheckGivesItsMessageOnCpu(@UseBackend("cpu") Backend cpu) {
        for (BadCall bad : badCalls()) {
            assertEquals(bad.message(), messageOf(cpu, bad));
        }
    }

    /** Every op Checks has a method for is named by at least one bad call. */
    @Test
    void everyOpCheckHasABadCall() {
        Set<String> checked = new TreeSet<>();
        for (Method m : Checks.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())) {
                checked.add(m.getName());
            }
        }
        Set<String> missing = new TreeSet<>(checked);
        badCalls().forEach(bad -> missing.remove(bad.op()));
        assertTrue(missing.isEmpty(), "ops of Checks without a bad call here: " + missing);
        assertEquals(20, checked.size(), "ops with checks: " + checked);
    }

    /** The aliasing the SPI allows (elementwise in place, gemm of a with itself) passes the checks. */
    @Test
    void allowedAliasingIsAccepted(@UseBackend("cpu") Backend b) {
        try (Scope ignored = Scope.open()) {
            Tensor x = z(b, 2, 3);
            Tensor row = z(b, 1, 3);
            Checks.gemm(false, true, x, x, z(b, 2, 2));
            Checks.unary(UnaryOp.EXP, x, x);
            Checks.binary(BinaryOp.MUL, x, x, x);
            Checks.activationBackward(Activation.RELU, x, z(b, 2, 3), x, x);
            Checks.preluForward(x, row, x);
            Checks.preluBackward(z(b, 2, 3), row, x, x, z(b, 1, 3));
            Checks.batchNormInfer(x, row, z(b, 1, 3), z(b, 1, 3), z(b, 1, 3), x);
            Checks.optimizerUpdate(update(OptimizerKind.SGD, 1), x, z(b, 2, 3), x, x);   // SGD keeps no state
        }
    }

    /** A buffer the backend does not own is refused at the door, after the shape rules, naming the argument. */
    @Test
    void foreignBufferIsRefusedAtTheDoor() {
        try (Backend b = Backends.create("cpu"); Scope ignored = Scope.open()) {
            Operand foreign = new Operand() {
                private final Storage storage = () -> 6;   // a buffer no backend handed out

                @Override
                public Storage storage() {
                    return storage;
                }

                @Override
                public int rows() {
                    return 2;
                }

                @Override
                public int cols() {
                    return 3;
                }

                @Override
                public Backend backend() {
                    return b;
                }

                @Override
                public String describe() {
                    return "elsewhere (2, 3)";
                }
            };
            Tensor x = z(b, 2, 3);
            assertEquals("unary ABS: out elsewhere (2, 3) belongs to backend cpu, not to this cpu backend",
                    assertThrows(IllegalArgumentException.class,
                            () -> b.unary(UnaryOp.ABS, 0f, 0f, x, foreign)).getMessage());
            assertEquals("batchNormBackward: dgamma elsewhere (2, 3) must be (1, 3)",
                    assertThrows(IllegalArgumentException.class, () -> b.batchNormBackward(x, z(b, 1, 3), z(b, 1, 3),
                            z(b, 1, 3), z(b, 2, 3), z(b, 2, 3), foreign, z(b, 1, 3), false)).getMessage(),
                    "the shape rules run first");
            assertEquals("copy: src elsewhere (2, 3) belongs to backend cpu, not to this cpu backend",
                    assertThrows(IllegalArgumentException.class, () -> b.copy(foreign, x)).getMessage());
            assertEquals("release: a buffer of 6 floats does not belong to the cpu backend",
                    assertThrows(IllegalArgumentException.class, () -> b.release(new Storage() {
                        @Override
                        public long length() {
                            return 6;
                        }

                        @Override
                        public String toString() {
                            return "a buffer of 6 floats";
                        }
                    })).getMessage());
        }
    }

    /** After close every op is refused at the door with one message, before its arguments are looked at. */
    @Test
    void closedBackendRefusesEveryOp() {
        Backend b = Backends.create("cpu");
        Tensor t = z(b, 2, 3);   // no scope open: the test owns it
        b.close();
        for (Consumer<Backend> op : List.<Consumer<Backend>>of(
                c -> c.download(t, new float[6]),
                c -> c.fill(t, 1f),
                c -> c.unary(UnaryOp.ABS, 0f, 0f, t, t),
                c -> c.allocate(4),
                Backend::synchronize)) {
            assertEquals("cpu backend is closed",
                    assertThrows(IllegalStateException.class, () -> op.accept(b)).getMessage());
        }
        t.close();   // releasing into a closed backend is allowed
        b.close();   // idempotent
    }

    /** Passing checks allocate nothing, so the CPU backend can run them on every op of the training loop. */
    @Test
    void passingChecksAllocateNothing(@UseBackend("cpu") Backend b) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        try (Scope ignored = Scope.open()) {
            Passing p = new Passing(b);
            for (int i = 0; i < 3; i++) {   // resolve constants and initialize classes first
                p.run();
            }
            // Few enough runs that most are interpreted or C1-compiled, so escape analysis (C2) cannot be
            // what removes an allocation. One allocation a run would be at least 16 bytes; the JVM itself
            // allocates a few hundred bytes once in this window (measured: 456 to 960).
            int runs = 2_000;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < runs; i++) {
                p.run();
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 4_096, allocated + " bytes allocated by " + runs + " runs of every op's checks");
        }
    }

    /** Valid arguments for every op's check, made once. */
    private static final class Passing {
        final Tensor x;
        final Tensor y;
        final Tensor dy;
        final Tensor dx;
        final Tensor[] row = new Tensor[8];
        final Tensor col;
        final Tensor loss;
        final Tensor sq;
        final Tensor gemmC;
        final float[] host = new float[6];
        final OptimizerUpdate adam = update(OptimizerKind.ADAM, 3);

        Passing(Backend b) {
            x = z(b, 2, 3);
            y = z(b, 2, 3);
            dy = z(b, 2, 3);
            dx = z(b, 2, 3);
            for (int i = 0; i < row.length; i++) {
                row[i] = z(b, 1, 3);
            }
            col = z(b, 2, 1);
            loss = z(b, 2, 1);
            sq = z(b, 3, 3);
            gemmC = z(b, 2, 3);
        }

        void run() {
            Checks.upload(host, x);
            Checks.download(x, host);
            Checks.gemm(false, false, x, sq, gemmC);
            Checks.unary(UnaryOp.ABS, x, y);
            Checks.binary(BinaryOp.ADD, x, row[0], y);
            Checks.reduce(ReduceOp.SUM, 1, x, col);
            Checks.activationForward(Activation.RELU, x, y);
            Checks.activationBackward(Activation.RELU, x, y, dy, dx);
            Checks.preluForward(x, row[0], y);
            Checks.preluBackward(x, row[0], dy, dx, row[1]);
            Checks.softmax(x, y);
            Checks.softmaxCrossEntropy(x, col, y, loss);
            Checks.softmaxCrossEntropyBackward(x, dy, dx);
            Checks.dropoutMask(0.5f);
            Checks.batchNormTrain(x, row[0], row[1], row[2], row[3], y, row[4], row[5]);
            Checks.batchNormInfer(x, row[0], row[1], row[2], row[3], y);
            Checks.batchNormBackward(x, row[0], row[1], row[2], dy, dx, row[3], row[4]);
            Checks.optimizerUpdate(adam, x, y, dy, dx);
            Checks.gatherRows(sq, col, y);
            Checks.copy(x, y);
        }
    }
}
