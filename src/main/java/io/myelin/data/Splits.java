package io.myelin.data;

import io.myelin.random.SeededRandom;

import java.util.Arrays;

/**
 * A seeded permutation and train/validation/test splits. The permutation is a pure function of {@code (seed, n)}
 * (Philox stream {@link #SPLIT_STREAM} of {@link SeededRandom}), so the same seed gives the same split on
 * every machine. Not stratified.
 *
 * <p>Sizes: {@code nTest = round(n * testFraction)}, {@code nValidation = round(n * validationFraction)},
 * the rest is training. After shuffling, the first nTest samples form the test set, the next nValidation
 * the validation set and the rest the training set.
 *
 * <pre>{@code
 * TrainValidationTest s = Splits.trainValidationTest(data, 0.1, 0.2, 42);
 * }</pre>
 */
public final class Splits {
    /** The SeededRandom stream used for splitting ("SPLT"), distinct from initialization and dropout streams. */
    public static final int SPLIT_STREAM = 0x53504c54;

    private Splits() {
    }

    /** A seeded random permutation of {@code 0..n-1}. */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        new SeededRandom(seed, SPLIT_STREAM).shuffle(p);
        return p;
    }

    /** A seeded train/test split; {@code testFraction} in [0, 1). */
    public static TrainTest trainTest(Dataset d, double testFraction, long seed) {
        TrainValidationTest s = trainValidationTest(d, 0, testFraction, seed);
        return new TrainTest(s.train(), s.test());
    }

    /** A seeded three-way split; each fraction in [0, 1), their sum below 1, and training never empty. */
    public static TrainValidationTest trainValidationTest(Dataset d, double validationFraction, double testFraction,
                                                          long seed) {
        checkFraction("validation", validationFraction);
        checkFraction("test", testFraction);
        int n = d.n();
        int nTest = (int) Math.round(n * testFraction);
        int nValidation = (int) Math.round(n * validationFraction);
        if (nTest + nValidation >= n) {
            throw new DataException("a split of " + n + " samples into " + nValidation + " validation and "
                    + nTest + " test samples leaves none for training");
        }
        int[] p = permutation(n, seed);
        return new TrainValidationTest(
                d.subset(Arrays.copyOfRange(p, nTest + nValidation, n)),
                d.subset(Arrays.copyOfRange(p, nTest, nTest + nValidation)),
                d.subset(Arrays.copyOfRange(p, 0, nTest)));
    }

    private static void checkFraction(String name, double f) {
        if (!(f >= 0 && f < 1)) {
            throw new DataException(name + " fraction must be in [0, 1), got " + f);
        }
    }
}
