package io.myelin.autograd;

/**
 * Thread-local switch for gradient recording. Inference runs inside {@link #noGrad()} so ops record
 * nothing and no backward state is kept.
 *
 * <pre>{@code
 * try (GradMode.Guard g = GradMode.noGrad()) { Tensor y = model.forward(x, ForwardContext.inference()); }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Disables recording until the guard closes (restores the previous state). */
    public static Guard noGrad() {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = false;
        return () -> flag[0] = previous;
    }

    /** Restores the previous grad mode on close. */
    public interface Guard extends AutoCloseable {
        @Override
        void close();
    }
}
