package io.myelin.cli;

import io.myelin.data.CsvReader;
import io.myelin.data.Dataset;
import io.myelin.data.Digits;
import io.myelin.data.FashionMnist;
import io.myelin.data.IdxDirectory;
import io.myelin.data.Normalizer;
import io.myelin.data.Splits;
import io.myelin.data.TrainTest;
import io.myelin.loss.Loss;
import io.myelin.train.DataSet;
import io.myelin.train.ModelSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves {@code --data} (digits, fashion-mnist, an IDX directory or a CSV file) into normalized
 * train/test sets, and encodes labels the way the model's loss consumes them.
 */
final class DataSources {
    /** CSV files without a separate test file are split 80/20 with the run's seed. */
    static final double CSV_TEST_FRACTION = 0.2;

    private DataSources() {
    }

    /** Un-normalized train/test split of a {@code --data} source, with a description and whether it is images. */
    record Raw(TrainTest split, String description, boolean images) {
    }

    static Raw raw(String data, String labelColumn, long seed) {
        String d = data == null ? "digits" : data.trim();
        if (d.equals("digits")) {
            return new Raw(Digits.trainTest(seed), "digits (built-in, UCI optical digits 8x8)", true);
        }
        if (d.equals("fashion-mnist")) {
            return new Raw(FashionMnist.load(), "fashion-mnist", true);
        }
        Path p = Path.of(d);
        if (Files.isDirectory(p)) {
            return new Raw(IdxDirectory.load(p), "IDX directory " + p, true);
        }
        if (Files.isRegularFile(p)) {
            CsvReader reader = new CsvReader();
            if (labelColumn != null) {
                reader.labelColumn(labelColumn);
            }
            return new Raw(Splits.trainTest(reader.read(p), CSV_TEST_FRACTION, seed), "CSV " + p.getFileName(), false);
        }
        throw new UserError("--data " + d + ": no such file or directory (expected digits, fashion-mnist, "
                + "a directory of IDX files or a CSV file)");
    }

    /**
     * Loads {@code --data} and normalizes it with statistics of the training split. {@code normalization}
     * is the spec's choice ({@link ModelSpec#normalization()}): {@code "z_score"} standardizes every feature
     * (pixel or column) to mean 0, standard deviation 1; {@code "min_max"} or null maps to [0, 1], with one
     * shared range for images (pixels keep their relative brightness) and one range per CSV column.
     */
    static TrainCommand.LoadedData load(String data, String labelColumn, long seed, String normalization) {
        Raw raw = raw(data, labelColumn, seed);
        TrainTest tt = raw.split();
        Normalizer norm;
        if ("z_score".equals(normalization)) {
            norm = Normalizer.fit(Normalizer.Kind.Z_SCORE, tt.train());
        } else if (normalization == null || normalization.equals("min_max")) {
            norm = raw.images() ? Normalizer.fitGlobalMinMax(tt.train())
                    : Normalizer.fit(Normalizer.Kind.MIN_MAX, tt.train());
        } else {
            throw new UserError("unknown normalization '" + normalization + "' (known: min_max, z_score)");
        }
        return new TrainCommand.LoadedData(norm.apply(tt.train()), tt.test() == null ? null : norm.apply(tt.test()),
                describe(raw, tt), norm.toMap());
    }

    /**
     * A resumed run's data: the source's split with the normalization saved in the run (not refitted), so
     * the model sees the inputs it was trained on.
     */
    @SuppressWarnings("unchecked")
    static TrainCommand.LoadedData loadSaved(String data, String labelColumn, long seed, Object normalization) {
        Raw raw = raw(data, labelColumn, seed);
        TrainTest tt = raw.split();
        if (!(normalization instanceof Map<?, ?> saved)) {
            return new TrainCommand.LoadedData(tt.train(), tt.test(), describe(raw, tt), null);
        }
        Normalizer norm = Normalizer.fromMap((Map<String, ?>) saved);
        return new TrainCommand.LoadedData(norm.apply(tt.train()), tt.test() == null ? null : norm.apply(tt.test()),
                describe(raw, tt), (Map<String, Object>) saved);
    }

    private static String describe(Raw raw, TrainTest tt) {
        return raw.description() + ", " + tt.train().n() + " train / " + (tt.test() == null ? 0 : tt.test().n()) + " test";
    }

    /** The {@code --data} value as saved in model.json: names as given, paths made absolute (resume from anywhere). */
    static String canonical(String data) {
        String d = data == null ? "digits" : data.trim();
        if (d.equals("digits") || d.equals("fashion-mnist")) {
            return d;
        }
        return Path.of(d).toAbsolutePath().normalize().toString();
    }

    static ModelSpec defaultSpec(Dataset train) {
        return train.isClassification()
                ? ModelSpec.defaultClassifier(train.numFeatures(), train.numClasses())
                : ModelSpec.defaultRegressor(train.numFeatures(), train.targetDim());
    }

    /** Encodes a dataset's labels as the loss consumes them; errors name the mismatch. */
    static DataSet encode(Dataset d, Loss loss, int outputs, String what) {
        float[] y;
        switch (loss.targetKind()) {
            case SPARSE_CLASSES -> {
                requireClasses(d, loss, what);
                if (d.numClasses() > outputs) {
                    throw new UserError(what + " has " + d.numClasses() + " classes but the model has " + outputs
                            + " outputs");
                }
                y = d.classLabelsAsFloats();
            }
            case ONE_HOT -> {
                requireClasses(d, loss, what);
                if (d.numClasses() != outputs) {
                    throw new UserError(what + " has " + d.numClasses() + " classes but the model has " + outputs
                            + " outputs");
                }
                y = d.oneHot();
            }
            case BINARY, SIGNED -> {
                requireClasses(d, loss, what);
                if (d.numClasses() > 2 || outputs != 1) {
                    throw new UserError("loss '" + loss.name() + "' needs 2 classes and 1 output; " + what + " has "
                            + d.numClasses() + " classes, the model " + outputs + " outputs");
                }
                y = d.classLabelsAsFloats();
                if (loss.targetKind() == Loss.TargetKind.SIGNED) {
                    for (int i = 0; i < y.length; i++) {
                        y[i] = y[i] > 0.5f ? 1f : -1f;
                    }
                }
            }
            default -> {
                if (d.isClassification()) {
                    y = d.classLabelsAsFloats();
                } else {
                    y = d.targets();
                }
            }
        }
        return new DataSet(d.x(), y, d.n());
    }

    private static void requireClasses(Dataset d, Loss loss, String what) {
        if (!d.isClassification()) {
            throw new UserError("loss '" + loss.name() + "' needs class labels but " + what + " has real-valued targets");
        }
    }
}
