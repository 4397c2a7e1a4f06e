package io.myelin.train;

/**
 * Training produced a non-finite loss. The message names the epoch, step and the first layer with a
 * non-finite gradient or weight; the model holds the last good weights (restored before throwing).
 */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
