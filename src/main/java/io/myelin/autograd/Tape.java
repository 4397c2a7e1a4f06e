package io.myelin.autograd;

import io.myelin.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The autograd tape: every differentiable op executed while a tape is open (and {@link GradMode} is on,
 * and some input requires a gradient) records its backward rule here; {@link #backward(Tensor)} replays
 * them in reverse. One tape per training step; closing it drops the recorded rules.
 *
 * <pre>{@code
 * try (Scope step = Scope.open(); Tape tape = Tape.open()) {
 *     ForwardContext ctx = new ForwardContext(true, false, model.seed(), model.globalStep(), false);
 *     Tensor l = loss.compute(model.forward(x, ctx), y);
 *     tape.backward(l);
 * }
 * }</pre>
 */
public final class Tape implements AutoCloseable {
    private static final ThreadLocal<Deque<Tape>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    /** A recorded backward rule: reads the output's gradient and writes the inputs' gradients. */
    @FunctionalInterface
    public interface Backward {
        void run();
    }

    private final List<Backward> entries = new ArrayList<>();
    private final List<Tensor> touched = new ArrayList<>();

    private Tape() {
    }

    public static Tape open() {
        Tape t = new Tape();
        STACK.get().push(t);
        return t;
    }

    /** The innermost open tape on this thread, or null. */
    public static Tape current() {
        return STACK.get().peek();
    }

    /** True when an op with these inputs must record a backward rule. */
    public static boolean recording(Tensor... inputs) {
        if (!GradMode.isEnabled() || current() == null) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records a backward rule for {@code output} (marked as requiring grad). Callers check
     * {@link #recording} first.
     */
    public static void record(Tensor output, Backward rule) {
        Tape tape = current();
        output.setRequiresGrad(true);
        tape.entries.add(rule);
        tape.touched.add(output);
    }

    /** Number of recorded entries (for tests). */
    public int size() {
        return entries.size();
    }

    /**
     * Seeds d(root)/d(root) = 1 (root must be a single element) and runs every rule in reverse order.
     */
    public void backward(Tensor root) {
        if (root.size() != 1) {
            throw new IllegalArgumentException("backward() needs a scalar loss, got " + root.describe());
        }
        root.backend().fill(root.gradBuffer(), 1f);
        root.markGradValid();
        for (int i = entries.size() - 1; i >= 0; i--) {
            entries.get(i).run();
        }
    }

    @Override
    public void close() {
        Deque<Tape> stack = STACK.get();
        stack.remove(this);
        for (Tensor t : touched) {
            t.detachGrad();
        }
        entries.clear();
        touched.clear();
    }
}
