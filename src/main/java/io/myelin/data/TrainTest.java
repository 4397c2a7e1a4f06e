package io.myelin.data;

/**
 * A training set and a test set, e.g. the two halves of an IDX directory or a seeded split.
 *
 * <pre>{@code
 * TrainTest tt = Splits.trainTest(data, 0.2, 42);   // fit on tt.train(), evaluate on tt.test()
 * }</pre>
 */
public record TrainTest(Dataset train, Dataset test) {
}
