package io.myelin.config;

/**
 * A mistake in a spec object, with its place: {@code layer 2 (dense): "units" must be an integer, got 32.7}.
 * An {@link IllegalArgumentException}, so callers that report bad arguments report it the same way.
 */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
