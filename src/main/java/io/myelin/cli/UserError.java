package io.myelin.cli;

/** A mistake in the user's input: printed as one line, exit status 2, never a stack trace. */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
