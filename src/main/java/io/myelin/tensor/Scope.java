package io.myelin.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Owns every tensor created on this thread while it is open, and releases them when it closes: the step
 * scope of DESIGN.md ("Memory has an owner"). Scopes nest; a tensor that must outlive its scope is
 * handed to the enclosing one with {@link #keep(Tensor)} (or to nobody, when no scope encloses it).
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) { Tensor t = Tensor.zeros(backend, 128, 10); ... }  // t and other temporaries freed here
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Deque<Scope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final List<Tensor> owned = new ArrayList<>();
    private final Set<Tensor> ownedSet = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private Scope() {
    }

    /** Opens a scope on this thread; close it with try-with-resources. */
    public static Scope open() {
        Scope s = new Scope();
        STACK.get().push(s);
        return s;
    }

    static void register(Tensor t) {
        Scope s = STACK.get().peek();
        if (s != null) {
            s.owned.add(t);
            s.ownedSet.add(t);
        }
    }

    /** True when some open scope on this thread owns t. */
    static boolean isOwned(Tensor t) {
        for (Scope s : STACK.get()) {
            if (s.ownedSet.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code body} with no scope active, so what it creates belongs to the caller. */
    public static <T> T unscoped(Supplier<T> body) {
        Deque<Scope> saved = STACK.get();
        STACK.set(new ArrayDeque<>());
        try {
            return body.get();
        } finally {
            STACK.set(saved);
        }
    }

    /** Moves t out of this scope to the enclosing one (or to the caller when none), and returns it. */
    public Tensor keep(Tensor t) {
        if (ownedSet.remove(t)) {
            owned.remove(t);
            Deque<Scope> stack = STACK.get();
            boolean passed = false;
            for (Scope s : stack) {
                if (passed) {
                    s.owned.add(t);
                    s.ownedSet.add(t);
                    return t;
                }
                passed = s == this;
            }
        }
        return t;
    }

    /** Number of tensors this scope currently owns (for tests). */
    public int ownedCount() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Deque<Scope> stack = STACK.get();
        if (stack.peek() != this) {
            stack.remove(this);
        } else {
            stack.pop();
        }
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
        ownedSet.clear();
    }
}
