package io.myelin.cli;

import io.myelin.config.IoMessages;
import io.myelin.data.CsvSchema;
import io.myelin.data.CsvTable;
import io.myelin.data.DataException;
import io.myelin.data.Dataset;
import io.myelin.data.Digits;
import io.myelin.data.FashionMnist;
import io.myelin.data.FeatureStats;
import io.myelin.data.IdxDirectory;
import io.myelin.data.Normalizer;
import io.myelin.data.Splits;
import io.myelin.data.Task;
import io.myelin.data.TrainTest;
import io.myelin.loss.Loss;
import io.myelin.train.EncodedData;
import io.myelin.train.ModelSpec;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Resolves {@code --data} (digits, fashion-mnist, an IDX directory or a CSV file, with a CSV test file or a
 * seeded test split) into train/test sets, normalized with statistics of the training part, and the
 * {@link DataProfile} a model keeps of them; reads new data for a saved model through that profile; and
 * encodes labels the way the model's loss consumes them.
 */
final class DataSources {
    private DataSources() {
    }

    /**
     * Un-normalized train/test sets of a source (test null when there is none), with a description, whether
     * it is images, and what was learned about its columns and labels.
     */
    record Raw(Dataset train, Dataset test, String description, boolean images, CsvSchema schema, Task task,
               String inference, List<String> classes) {
    }

    /**
     * Reads a source. A CSV file's columns are fitted on it ({@link CsvSchema#fit}) unless {@code schema} is
     * given (a resumed run keeps its own); a test file is read through the same schema.
     */
    static Raw raw(DataSettings s, long seed, CsvSchema schema) {
        String d = s.data().trim();
        boolean csv = !d.equals("digits") && !d.equals("fashion-mnist") && Files.isRegularFile(Path.of(d));
        if (!csv) {
            if (s.task() != null) {
                throw new UserError("--task applies to CSV data; " + d + " has class labels");
            }
            if (s.testData() != null) {
                throw new UserError("--test-data applies to CSV data; " + d + " has its own test set");
            }
            if (s.scaleTargets()) {
                throw new UserError("--scale-targets scales regression targets, but " + d + " has class labels");
            }
        }
        if (d.equals("digits")) {
            Dataset all = Digits.load();
            TrainTest tt = split(all, s.testFraction(), seed, "digits");
            return images(tt, "digits (built-in, UCI optical digits 8x8)");
        }
        if (d.equals("fashion-mnist") || Files.isDirectory(Path.of(d))) {
            if (s.testSplit() != null) {
                throw new UserError("--test-split applies to a CSV file or digits; " + d + " has its own test set");
            }
            return d.equals("fashion-mnist") ? images(FashionMnist.load(), "fashion-mnist")
                    : images(IdxDirectory.load(Path.of(d)), "IDX directory " + d);
        }
        Path p = Path.of(d);
        if (!csv) {
            throw new UserError("--data " + d + ": " + whyNot(p) + " (expected digits, fashion-mnist, "
                    + "a directory of IDX files or a CSV file)");
        }
        CsvTable table = CsvTable.read(p, s.format());
        if (schema == null) {
            warnNumericHeader(table, p);
        }
        CsvSchema fitted = schema != null ? schema : CsvSchema.fit(table, s.labelColumn(), s.task());
        Dataset all = fitted.encode(table, schema != null ? s.labelColumn() : null, true).dataset();
        TrainTest tt;
        String name = "CSV " + p.getFileName();
        if (s.testData() != null) {
            if (s.testSplit() != null) {
                throw new UserError("--test-data and --test-split cannot be combined: with a test file nothing is split off");
            }
            Path testPath = Path.of(s.testData());
            Dataset test = fitted.encode(CsvTable.read(testPath, s.format()), null, true).dataset();
            tt = new TrainTest(all, test);
            name += " (test: " + testPath.getFileName() + ")";
        } else {
            tt = split(all, s.testFraction(), seed, d);
        }
        return new Raw(tt.train(), tt.test(), name, false, fitted, fitted.task(), fitted.inference(), fitted.classes());
    }

    private static Raw images(TrainTest tt, String description) {
        Dataset train = tt.train();
        return new Raw(train, tt.test(), description, true, null, Task.CLASSIFICATION,
                "images with " + train.numClasses() + " classes", train.classNames());
    }

    /** Why {@code p} is not a data file: "no such file or directory", "is not a regular file (...)", "is empty". */
    private static String whyNot(Path p) {
        String why = io.myelin.config.IoMessages.notReadable(p);
        return why == null ? "not a data file" : why;
    }

    /**
     * Holds out {@code fraction} of the rows (seeded); 0 keeps every row for training and has no test set. A
     * split that would leave no test row (a file of one or two rows) is refused, naming the file.
     */
    private static TrainTest split(Dataset all, double fraction, long seed, String source) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new UserError("--test-split must be at least 0 and below 1, got " + fraction);
        }
        if (fraction == 0) {
            return new TrainTest(all, null);
        }
        TrainTest tt = Splits.trainTest(all, fraction, seed);
        if (tt.test().n() == 0) {
            throw new UserError(source + " has " + all.n() + " row" + (all.n() == 1 ? "" : "s") + ": a test split of "
                    + fraction + " leaves no row to test on; give more rows, a separate --test-data FILE, or "
                    + "--test-split 0 to train on every row");
        }
        return tt;
    }

    /**
     * A fresh run's data: the source read and split, normalized with statistics of the training part.
     * {@code normalization} is the spec's choice ({@link ModelSpec#normalization()}, see {@link
     * Normalizer#forName}).
     */
    static TrainCommand.LoadedData load(DataSettings s, long seed, String normalization) {
        Raw raw = raw(s, seed, null);
        Normalizer norm;
        try {
            norm = Normalizer.forName(normalization, raw.train(), raw.images(),
                    raw.schema() != null ? raw.schema().inputNames() : null);
        } catch (DataException e) {
            throw new DataException(raw.description() + ", " + e.getMessage(), e);
        }
        Normalizer scaling = null;
        if (s.scaleTargets()) {
            if (raw.train().isClassification()) {
                throw new UserError("--scale-targets scales regression targets, but the task is classification ("
                        + raw.inference() + "; --task regression chooses regression)");
            }
            scaling = Normalizer.fit(Normalizer.Kind.Z_SCORE, raw.train().targets(), raw.train().targetDim());
        }
        List<String> names = raw.schema() != null ? raw.schema().inputNames()
                : FeatureStats.numberedNames("pixel", raw.train().numFeatures());
        FeatureStats stats = FeatureStats.fit(raw.train().x(), raw.train().numFeatures(), names);
        DataProfile profile = new DataProfile(raw.task(), raw.inference(), raw.classes(), raw.schema(), stats, scaling);
        return loaded(raw, norm, profile, s);
    }

    /**
     * A resumed run's data: the source's split with the normalization, columns and target scaling saved in the
     * run (not refitted), so the model sees the inputs it was trained on.
     */
    @SuppressWarnings("unchecked")
    static TrainCommand.LoadedData loadSaved(DataSettings s, long seed, Map<String, Object> modelJson) {
        DataProfile saved = DataProfile.readFrom(modelJson);
        Raw raw = raw(s, seed, saved == null ? null : saved.columns());
        Normalizer norm = modelJson.get("normalization") instanceof Map<?, ?> m ? Normalizer.fromMap((Map<String, ?>) m)
                : Normalizer.identity(raw.train().numFeatures());
        DataProfile profile = saved != null ? saved
                : new DataProfile(raw.task(), raw.inference(), raw.classes(), raw.schema(), null, null);
        return loaded(raw, norm, profile, s);
    }

    private static TrainCommand.LoadedData loaded(Raw raw, Normalizer norm, DataProfile profile, DataSettings s) {
        Dataset train = prepare(raw.train(), norm, profile.targetScaling());
        Dataset test = raw.test() == null ? null : prepare(raw.test(), norm, profile.targetScaling());
        String description = raw.description() + ", " + train.n() + " train / "
                + (test == null ? "no test data (--test-split 0 trains on every row)" : test.n() + " test");
        return new TrainCommand.LoadedData(train, test, description, norm.toMap(), profile, s);
    }

    /** Normalized features and, with a target scaling, standardized targets. */
    static Dataset prepare(Dataset d, Normalizer norm, Normalizer targetScaling) {
        Dataset out = norm == null ? d : norm.apply(d);
        return targetScaling == null ? out : out.withTargets(targetScaling.apply(out.targets()));
    }

    /** New rows for a saved model, un-normalized: features, each row's number in its input, labels if read. */
    record Rows(float[] x, int n, int numFeatures, int[] rows, Dataset labelled, String description) {
    }

    /**
     * The rows evaluate or predict score. Without {@code data}: the run's test data (its test file, or the part
     * of its training file it held out). A CSV file, or {@code -} for standard input, is read whole through the
     * run's columns; digits, fashion-mnist or an IDX directory give their test part. {@code labels}: the label
     * column is needed (evaluate) or ignored where present (predict). Rows come in input order.
     */
    static Rows forModel(Path run, Map<String, Object> modelJson, String data, CsvOptions csv, Long seedOption,
                         boolean labels, InputStream stdin) {
        Map<?, ?> training = modelJson.get("training") instanceof Map<?, ?> t ? t : Map.of();
        DataSettings saved = DataSettings.fromMap(training);
        DataSettings s = new DataSettings(saved.data(), csv.labelColumn != null ? csv.labelColumn : saved.labelColumn(),
                saved.header() && !csv.noHeader, csv.delimiterChar() != null ? csv.delimiterChar() : saved.delimiter(),
                saved.task(), saved.testData(), saved.testSplit(), saved.scaleTargets());
        long seed = seedOption != null ? seedOption : SavedModel.seed(modelJson);
        DataProfile profile = DataProfile.readFrom(modelJson);
        CsvSchema schema = profile == null ? null : profile.columns();
        String label = csv.labelColumn;
        if (data == null && saved.testData() != null) {
            return csvRows(run, saved, schema, readTable(saved.testData(), s, stdin), label, labels);
        }
        if (data != null && (data.equals("-") || Files.isRegularFile(Path.of(data)))) {
            return csvRows(run, saved, schema, readTable(data, s, stdin), label, labels);
        }
        // Another source than the run's: read as given (its own test part), without the run's CSV settings.
        boolean own = data == null || DataSettings.canonical(data).equals(saved.data());
        if (!own && !data.equals("digits") && !data.equals("fashion-mnist") && !Files.isDirectory(Path.of(data))) {
            throw new UserError("--data " + data + ": " + whyNot(Path.of(data)) + " (expected a CSV file, - for "
                    + "standard input, digits, fashion-mnist or a directory of IDX files)");
        }
        DataSettings source = own ? s : DataSettings.of(data);
        Raw raw = raw(source, seed, own ? schema : null);
        if (raw.test() == null) {
            throw new UserError(run + " was trained on every row of " + source.data()
                    + " (--test-split 0), so it has no test data; give --data FILE");
        }
        Dataset test = inFileOrder(raw.test());
        int[] rows = new int[test.n()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = test.sourceRow(i);
        }
        if (profile != null && profile.featureStats() != null && profile.featureStats().numFeatures() != test.numFeatures()) {
            throw new UserError(run + " was trained on " + profile.featureStats().numFeatures() + " input features (data: "
                    + saved.data() + "), but " + raw.description() + " has " + test.numFeatures());
        }
        return new Rows(test.x(), test.n(), test.numFeatures(), rows, test,
                "the test part of " + raw.description() + " (" + test.n() + " rows)");
    }

    private static CsvTable readTable(String data, DataSettings s, InputStream stdin) {
        if (data.equals("-")) {
            return CsvTable.read(stdin, "standard input", s.format());
        }
        return CsvTable.read(Path.of(data), s.format());
    }

    private static Rows csvRows(Path run, DataSettings saved, CsvSchema schema, CsvTable table, String label,
                                boolean labels) {
        if (schema == null) {
            throw new UserError(run + " was not trained on a CSV file (its data: " + saved.data() + "), so it cannot "
                    + "read " + table.source() + "; give --data digits, fashion-mnist or a directory of IDX files");
        }
        if (labels && !schema.hasLabelColumn(table, label) && onlyFeatures(schema, table, label)) {
            // Only the model's features, no label: rows for predict, not evaluate. Any other mismatch (a misspelt
            // label column, a missing feature) gets the error of the encoding below, with its near misses.
            String labelName = label != null ? label : schema.label();
            String source = table.source();
            throw new UserError((source.equals("standard input") ? "standard input" : "file " + source)
                    + (table.format().header() ? " has no label column '" + IoMessages.quote(labelName) + "' (columns: "
                            + IoMessages.quote(String.join(", ", table.names()), 200) + ")"
                            : " has no label column: its " + table.names().size() + " columns are the model's features")
                    + ", and evaluate compares predictions with labels; to score rows without labels use: "
                    + "scripts/myelin predict " + run + " --data " + (source.equals("standard input") ? "-" : source));
        }
        CsvSchema.Encoded e = schema.encode(table, label, labels);
        return new Rows(e.x(), e.n(), e.numFeatures(), e.rows(), e.hasLabels() ? e.dataset() : null,
                table.source() + " (" + e.n() + " rows)");
    }

    /** Whether {@code table} holds exactly the model's feature columns (and no label column). */
    private static boolean onlyFeatures(CsvSchema schema, CsvTable table, String label) {
        try {
            schema.encode(table, label, false);
            return true;
        } catch (DataException e) {
            return false;
        }
    }

    private static Dataset inFileOrder(Dataset d) {
        int[] order = IntStream.range(0, d.n()).boxed().sorted(Comparator.comparingInt(d::sourceRow))
                .mapToInt(Integer::intValue).toArray();
        return d.subset(order);
    }

    /**
     * Prints one warning line when at least half of a header's names (and two or more) are numbers, as in the
     * first row of a file without a header: that row was taken as the column names, not trained on.
     */
    static void warnNumericHeader(CsvTable table, Path file) {
        List<String> names = table.names();
        if (!table.format().header() || names.size() < 2) {
            return;
        }
        long numbers = names.stream().filter(DataSources::isNumber).count();
        if (numbers >= 2 && 2 * numbers >= names.size()) {
            System.err.println("warning: file " + file + ": the header (line 1) looks like data ("
                    + IoMessages.quote(String.join(", ", names), 100) + ") and was read as the column names; if the "
                    + "file has no header, add --no-header");
        }
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.strip());
            return !s.isBlank() && !s.strip().equalsIgnoreCase("nan") && !s.strip().toLowerCase(java.util.Locale.ROOT).contains("infinity");
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Prints one warning line when the rows' feature means drifted from training ({@link FeatureStats#drift}). */
    static void warnDrift(DataProfile profile, Rows rows) {
        if (profile == null || profile.featureStats() == null || profile.featureStats().numFeatures() != rows.numFeatures()) {
            return;
        }
        FeatureStats stats = profile.featureStats();
        String w = stats.warning(stats.drift(rows.x(), rows.n()), rows.n());
        if (w != null) {
            System.err.println("warning: " + w);
        }
    }

    static ModelSpec defaultSpec(Dataset train) {
        return train.isClassification()
                ? ModelSpec.defaultClassifier(train.numFeatures(), train.numClasses())
                : ModelSpec.defaultRegressor(train.numFeatures(), train.targetDim());
    }

    /** Encodes a dataset's labels as the loss consumes them; errors name the mismatch and the first row concerned. */
    static EncodedData encode(Dataset d, Loss loss, int outputs, String what) {
        float[] y;
        switch (loss.targetKind()) {
            case SPARSE_CLASSES -> {
                requireClasses(d, loss, what);
                if (d.numClasses() > outputs) {
                    throw tooManyClasses(d, outputs, what);
                }
                y = d.classLabelsAsFloats();
            }
            case ONE_HOT -> {
                requireClasses(d, loss, what);
                if (d.numClasses() != outputs) {
                    throw d.numClasses() > outputs ? tooManyClasses(d, outputs, what)
                            : new UserError(what + " has " + d.numClasses() + " classes but the model has " + outputs
                            + " outputs (loss '" + loss.name() + "' needs one per class)");
                }
                y = d.oneHot();
            }
            case BINARY, SIGNED -> {
                requireClasses(d, loss, what);
                if (outputs != 1) {
                    throw new UserError("loss '" + loss.name() + "' needs 2 classes and 1 output; the model has "
                            + outputs + " outputs");
                }
                if (d.numClasses() > 2) {
                    throw new UserError("loss '" + loss.name() + "' takes 2 classes (one output), but " + what + " has "
                            + d.numClasses() + " (" + IoMessages.quote(String.join(", ", d.classNames()), 200)
                            + "): for " + d.numClasses() + " classes use sparse_categorical_crossentropy with a last "
                            + "layer of " + d.numClasses() + " softmax units");
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
                    if (outputs != 1) {
                        throw new UserError("loss '" + loss.name() + "' on class labels needs a model with 1 output, "
                                + "this one has " + outputs + "; for the " + d.numClasses() + " classes of " + what
                                + " use sparse_categorical_crossentropy (or categorical_crossentropy)");
                    }
                    y = d.classLabelsAsFloats();
                } else {
                    y = d.targets();
                }
            }
        }
        return new EncodedData(d.x(), y, d.n());
    }

    /** Names the first row (in the source file) whose class has no model output. */
    private static UserError tooManyClasses(Dataset d, int outputs, String what) {
        int[] labels = d.classLabels();
        int first = -1;
        for (int i = 0; i < d.n(); i++) {
            if (labels[i] >= outputs && (first < 0 || d.sourceRow(i) < d.sourceRow(first))) {
                first = i;
            }
        }
        String names = String.join(", ", d.classNames());
        if (first < 0) {
            return new UserError(what + " has " + d.numClasses() + " classes (" + names + ") but the model has "
                    + outputs + " outputs");
        }
        return new UserError(what + ", row " + d.sourceRow(first) + ": label '" + d.classNames().get(labels[first])
                + "' is class " + labels[first] + " of " + d.numClasses() + " (" + names + "), but the model has only "
                + outputs + " outputs (give its last layer " + d.numClasses() + " units)");
    }

    private static void requireClasses(Dataset d, Loss loss, String what) {
        if (!d.isClassification()) {
            throw new UserError("loss '" + loss.name() + "' needs class labels but " + what + " has real-valued targets");
        }
    }
}
