package io.myelin.io;

/**
 * A model or weights file that cannot be read or written, with a one-line message naming the file and,
 * where it applies, the tensor.
 *
 * <pre>{@code
 * throw new ModelFileException("file w.safetensors, tensor dense_0.weight: unknown dtype 'F8'");
 * }</pre>
 */
public class ModelFileException extends RuntimeException {
    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
