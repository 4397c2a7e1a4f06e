package io.myelin.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The built-in dataset: the UCI optical recognition of handwritten digits test set (Alpaydin and Kaynak,
 * 1998), 1,797 images of 8x8 pixels with values 0..16, 10 classes. Small enough to train on in seconds, so
 * it is the default when no data is given. Bundled as {@code io/myelin/data/digits.csv.gz} (scikit-learn's
 * copy; origin and licence in DIGITS-README.md beside it).
 *
 * <pre>{@code
 * TrainTest tt = Digits.trainTest(Digits.DEFAULT_SEED); // 1438 train, 359 test
 * }</pre>
 */
public final class Digits {
    /** Resource holding 1,797 headerless rows of 64 pixel columns and a label column. */
    public static final String RESOURCE = "digits.csv.gz";
    /** Seed of the documented default split. */
    public static final long DEFAULT_SEED = 42;
    /** Fraction held out by {@link #trainTest(long)}. */
    public static final double TEST_FRACTION = 0.2;

    private Digits() {
    }

    /** All 1,797 samples, feature shape {@code [8, 8]}, classes 0..9, in file order. */
    public static Dataset load() {
        try (InputStream raw = Digits.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("resource io/myelin/data/" + RESOURCE + " is missing from the class path");
            }
            InputStreamReader reader = new InputStreamReader(Inputs.maybeGunzip(raw), StandardCharsets.UTF_8);
            Dataset flat = new CsvReader().noHeader().labelKind(CsvReader.LabelKind.CLASSES).read(reader, RESOURCE);
            return Dataset.classification(flat.x(), new int[] {8, 8}, flat.classLabels(), flat.numClasses());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled resource " + RESOURCE, e);
        }
    }

    /** A seeded 80/20 train/test split of {@link #load()}. */
    public static TrainTest trainTest(long seed) {
        return Splits.trainTest(load(), TEST_FRACTION, seed);
    }
}
