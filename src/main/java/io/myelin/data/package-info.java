/**
 * Host-side data: datasets as plain {@code float[]} arrays, readers for IDX (MNIST / Fashion-MNIST) and CSV
 * files (a {@link io.myelin.data.CsvTable} of cells and a {@link io.myelin.data.CsvSchema} fitted on the
 * training file: label column, task, classes, one-hot categories), the bundled {@link io.myelin.data.Digits}
 * dataset, normalization fitted on training data ({@link io.myelin.data.Normalizer#forName}), feature
 * statistics for drift checks ({@link io.myelin.data.FeatureStats}), target transforms and seeded
 * train/validation/test splits.
 *
 * <p>Nothing here touches a backend or a {@code Tensor}: a {@link io.myelin.data.Dataset} is uploaded by
 * the training loop. User mistakes (missing files, malformed cells) surface as
 * {@link io.myelin.data.DataException} with a one-line message naming the file, row and column.
 *
 * <pre>{@code
 * TrainTest digits = Digits.trainTest(Digits.DEFAULT_SEED);
 * Normalizer norm = Normalizer.fit(Normalizer.Kind.MIN_MAX, digits.train());
 * Dataset train = norm.apply(digits.train()), test = norm.apply(digits.test());
 * }</pre>
 */
package io.myelin.data;
