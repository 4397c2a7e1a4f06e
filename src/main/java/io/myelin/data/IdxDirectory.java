package io.myelin.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a directory holding the four MNIST-style IDX files, each gzipped ({@code .gz}) or not:
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}. Works for MNIST, Fashion-MNIST, Kuzushiji-MNIST and the like.
 *
 * <pre>{@code
 * TrainTest mnist = IdxDirectory.load(Path.of("/data/mnist"));
 * }</pre>
 */
public final class IdxDirectory {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** The four file names, without the optional {@code .gz}. */
    public static final List<String> FILE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private IdxDirectory() {
    }

    /** Train and test sets; the class count is the largest label in either set plus one. */
    public static TrainTest load(Path dir) {
        List<String> missing = missingFiles(dir);
        if (!missing.isEmpty()) {
            throw new DataException("directory " + dir + " lacks " + String.join(", ", missing)
                    + " (each may also end in .gz)");
        }
        Path trainLabelsFile = file(dir, TRAIN_LABELS);
        Path testLabelsFile = file(dir, TEST_LABELS);
        int[] trainLabels = IdxReader.readLabels(trainLabelsFile);
        int[] testLabels = IdxReader.readLabels(testLabelsFile);
        // Both sets share one class count, so a test set that lacks the top class still lines up.
        int numClasses = Math.max(max(trainLabels), max(testLabels)) + 1;
        Path trainImagesFile = file(dir, TRAIN_IMAGES);
        Path testImagesFile = file(dir, TEST_IMAGES);
        IdxReader.IdxImages trainImages = IdxReader.readImages(trainImagesFile);
        IdxReader.IdxImages testImages = IdxReader.readImages(testImagesFile);
        if (trainImages.rows() != testImages.rows() || trainImages.cols() != testImages.cols()) {
            throw new DataException("the images of " + testImagesFile + " are " + testImages.rows() + "x"
                    + testImages.cols() + ", but those of " + trainImagesFile + " are " + trainImages.rows() + "x"
                    + trainImages.cols() + ": train and test images must have one shape");
        }
        Dataset train = IdxReader.dataset(trainImages, trainImagesFile, trainLabels, trainLabelsFile, numClasses);
        Dataset test = IdxReader.dataset(testImages, testImagesFile, testLabels, testLabelsFile, numClasses);
        return new TrainTest(train, test);
    }

    /** The names of {@link #FILE_NAMES} found in {@code dir} neither plain nor gzipped (all four if no such dir). */
    public static List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String name : FILE_NAMES) {
            if (file(dir, name) == null) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** {@code dir/name.gz} if it exists, else {@code dir/name} if it exists, else null. */
    static Path file(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(name);
        return Files.isRegularFile(plain) ? plain : null;
    }

    private static int max(int[] a) {
        int m = 0;
        for (int v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
