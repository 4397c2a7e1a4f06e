package io.myelin.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds and loads Fashion-MNIST (Zalando, MIT licence): 60,000 training and 10,000 test images of
 * 28x28 grey pixels (0..255), 10 classes.
 *
 * <p>Search order: {@code $MYELIN_DATA}, {@code $MYELIN_DATA/fashion-mnist}, then the directory the Debian
 * package {@code dataset-fashion-mnist} installs ({@code /usr/share/datasets/fashion-mnist}). The first
 * directory holding all four IDX files (see {@link IdxDirectory}) wins.
 *
 * <pre>{@code
 * TrainTest fm = FashionMnist.load(); // fm.train().n() == 60000
 * }</pre>
 */
public final class FashionMnist {
    /** Environment variable naming a directory with the four IDX files (or with a fashion-mnist/ inside). */
    public static final String ENV_VAR = "MYELIN_DATA";
    /** Where {@code apt-get install dataset-fashion-mnist} puts the gzipped IDX files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Class names by index, as published by Zalando Research. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /** The directory found from the real environment and {@link #DEBIAN_DIR}. */
    public static Path locate() {
        return locate(System.getenv(), List.of(DEBIAN_DIR));
    }

    /**
     * The first candidate directory holding all four files: {@code env[MYELIN_DATA]}, its {@code fashion-mnist}
     * subdirectory, then {@code systemDirs}. Throws a {@link DataException} saying where it looked and how to
     * get the data.
     */
    public static Path locate(Map<String, String> env, List<Path> systemDirs) {
        List<Path> candidates = new ArrayList<>();
        String userDir = env.get(ENV_VAR);
        if (userDir != null && !userDir.isBlank()) {
            candidates.add(Path.of(userDir));
            candidates.add(Path.of(userDir, "fashion-mnist"));
        }
        candidates.addAll(systemDirs);
        List<String> looked = new ArrayList<>();
        for (Path dir : candidates) {
            List<String> missing = IdxDirectory.missingFiles(dir);
            if (missing.isEmpty()) {
                return dir;
            }
            looked.add(dir + (Files.isDirectory(dir) ? " (lacks " + String.join(", ", missing) + ")" : " (no such directory)"));
        }
        String where = looked.isEmpty() ? "nowhere" : String.join("; ", looked);
        throw new DataException("Fashion-MNIST not found (looked in: " + where + "). Get it with "
                + "'sudo apt-get install dataset-fashion-mnist', or set " + ENV_VAR + "=DIR where DIR holds "
                + String.join(".gz, ", IdxDirectory.FILE_NAMES) + ".gz (gzipped or not)");
    }

    /** Loads the located directory. */
    public static TrainTest load() {
        return load(locate());
    }

    /** Loads Fashion-MNIST from {@code dir}, with the class names of {@link #CLASS_NAMES}. */
    public static TrainTest load(Path dir) {
        TrainTest raw = IdxDirectory.load(dir);
        return new TrainTest(named(raw.train(), dir), named(raw.test(), dir));
    }

    private static Dataset named(Dataset d, Path dir) {
        if (d.numClasses() > CLASS_NAMES.size()) {
            throw new DataException("directory " + dir + " has labels up to " + (d.numClasses() - 1)
                    + ", but Fashion-MNIST has 10 classes: is it another dataset? Load it with IdxDirectory");
        }
        return Dataset.classification(d.x(), d.featureShape(), d.classLabels(), CLASS_NAMES);
    }
}
