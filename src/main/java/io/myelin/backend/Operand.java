package io.myelin.backend;

/**
 * What a {@link Backend} sees of a tensor argument: its buffer, its 2-D shape and a description for
 * messages. {@code Tensor} implements it, so callers pass tensors; gradients, autograd flags and scopes
 * stay in the tensor, out of the SPI's sight (as tinygrad's devices see only a {@code Buffer}). So the
 * backend packages name no class of the tensor package, and the tensor package depends on the SPI, not
 * the other way round.
 *
 * <pre>{@code
 * backend.gemm(false, false, 1f, x, w, 0f, h);   // x, w, h: Tensors, seen here as Operands
 * }</pre>
 */
public interface Operand {
    /** The buffer; only its backend looks inside. Throws {@link IllegalStateException} once released. */
    Storage storage();

    /** The first dimension. */
    int rows();

    /** The product of the other dimensions (a 1-D tensor {@code [n]} is {@code (1, n)}). */
    int cols();

    /** {@code rows() * cols()}. */
    default int size() {
        return rows() * cols();
    }

    /** The backend the buffer belongs to (its name goes into "belongs to backend ..." messages). */
    Backend backend();

    /** For messages: {@code "dense_0.weight (784, 256)"} or {@code "(128, 10)"}. */
    String describe();
}
