package io.myelin.data;

/**
 * A seeded three-way split: fit on {@code train}, tune on {@code validation}, report on {@code test}.
 *
 * <pre>{@code
 * TrainValidationTest s = Splits.trainValidationTest(data, 0.1, 0.2, 42);
 * }</pre>
 */
public record TrainValidationTest(Dataset train, Dataset validation, Dataset test) {
}
