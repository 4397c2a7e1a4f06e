package io.myelin.config;

/**
 * Refusal to allocate what the Java heap cannot hold, before allocating it: the message names what needed the
 * memory, the estimate, the heap's limit and how to raise it ({@link MemoryBudget}). A user error: exit 2.
 */
public final class MemoryLimitException extends RuntimeException {
    public MemoryLimitException(String message) {
        super(message);
    }
}
