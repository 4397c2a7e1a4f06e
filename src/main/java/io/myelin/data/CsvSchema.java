package io.myelin.data;

import io.myelin.config.IoMessages;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How the columns of a CSV file become a model's inputs and labels, fitted on the training file and then
 * applied to every other file the model sees (a test file, new rows to predict), so that the same cell always
 * means the same thing.
 *
 * <ul>
 *   <li>The label column is chosen by name (default: the last column; without a header the names are
 *       {@code c1 … cN} and a 1-based column number is accepted too).</li>
 *   <li>A numeric column is one feature. A column of names (e.g. {@code red}, {@code blue}) is a categorical
 *       feature, one-hot encoded over its categories in sorted order; a category the training file did not
 *       have is an error naming column, value and row.</li>
 *   <li>The task, unless chosen: class names, or integer labels with at most {@value #MAX_INFERRED_CLASSES}
 *       distinct values, are classification; any other numbers are regression targets.</li>
 *   <li>Classes: the distinct labels of the training file, sorted (numerically for integers, as text for
 *       names); the index of a class is its position. Every other file's labels are mapped through them, so a
 *       test file without one class keeps the indices, and an unknown label is an error naming it.</li>
 * </ul>
 *
 * <pre>{@code
 * CsvTable train = CsvTable.read(Path.of("train.csv"), CsvTable.Format.DEFAULT);
 * CsvSchema schema = CsvSchema.fit(train, "species", null);
 * Dataset test = schema.encode(CsvTable.read(Path.of("test.csv"), CsvTable.Format.DEFAULT), null, true).dataset();
 * }</pre>
 */
public final class CsvSchema {
    /** Integer labels with at most this many distinct values are taken for classes when no task is chosen. */
    public static final int MAX_INFERRED_CLASSES = 50;
    /** The most distinct names a label column may have when no task is chosen. */
    public static final int MAX_AUTO_CLASSES = 1000;

    /** A feature column: numeric ({@code categories} null) or categorical, one-hot over {@code categories}. */
    public record Feature(String name, List<String> categories) {
        public Feature {
            categories = categories == null ? null : List.copyOf(categories);
        }

        public boolean numeric() {
            return categories == null;
        }

        /** Model inputs this column becomes: 1, or the number of categories. */
        public int width() {
            return numeric() ? 1 : categories.size();
        }
    }

    /** A file's rows encoded: features {@code (n, numFeatures)}, labels when the file had the label column. */
    public record Encoded(float[] x, int numFeatures, int[] rows, Task task, List<String> classes, int[] classLabels,
                          float[] targets) {
        public int n() {
            return rows.length;
        }

        public boolean hasLabels() {
            return classLabels != null || targets != null;
        }

        /** The rows as a dataset that remembers each sample's row; needs the label column. */
        public Dataset dataset() {
            Dataset d;
            if (classLabels != null) {
                d = Dataset.classification(x, new int[] {numFeatures}, classLabels, classes);
            } else if (targets != null) {
                d = Dataset.regression(x, new int[] {numFeatures}, targets, 1);
            } else {
                throw new IllegalStateException("the file had no label column");
            }
            return d.withRows(rows);
        }
    }

    private final List<Feature> features;
    private final String label;
    private final Task task;
    private final List<String> classes;
    private final String inference;

    private CsvSchema(List<Feature> features, String label, Task task, List<String> classes, String inference) {
        this.features = List.copyOf(features);
        this.label = label;
        this.task = task;
        this.classes = classes == null ? null : List.copyOf(classes);
        this.inference = inference;
    }

    /**
     * Fits on a training table: the label column {@code labelColumn} (null: the last), the task ({@code null}:
     * inferred), the classes and each feature column's kind and categories.
     */
    public static CsvSchema fit(CsvTable t, String labelColumn, Task chosen) {
        int li = labelIndex(t, labelColumn, true);
        if (t.names().size() < 2) {
            throw new DataException("file " + t.source() + " has only the label column '" + IoMessages.quote(t.names().get(li))
                    + "'; at least one feature column is needed" + delimiterHint(t.names().get(li), t.format().delimiter()));
        }
        CsvColumn lc = t.column(li);
        Task task;
        String inference;
        List<String> classes = null;
        if (!lc.numeric()) {
            if (chosen == Task.REGRESSION) {
                int row = 1;
                throw new DataException(t.where(row, lc.name()) + "'" + IoMessages.quote(lc.text(row)) + "' is not a number, but "
                        + "regression (--task regression) needs numeric targets");
            }
            task = Task.CLASSIFICATION;
            classes = new ArrayList<>(new TreeSet<>(lc.dictionary()));
            if (chosen == null && classes.size() > MAX_AUTO_CLASSES) {
                throw new DataException("file " + t.source() + ": label column '" + IoMessages.quote(lc.name()) + "' has " + classes.size()
                        + " distinct names, too many classes; choose the task explicitly (--task classification) "
                        + "if that is intended");
            }
            inference = chosen != null ? "chosen" : "inferred: " + classes.size() + " class names";
        } else {
            float[] v = lc.values();
            TreeSet<Float> distinct = new TreeSet<>();
            int firstNonInteger = 0;
            for (int i = 0; i < v.length; i++) {
                distinct.add(v[i]);
                if (firstNonInteger == 0 && (v[i] != Math.rint(v[i]) || Math.abs(v[i]) >= 1e9f)) {
                    firstNonInteger = i + 1;
                }
            }
            if (chosen == Task.CLASSIFICATION && firstNonInteger > 0) {
                throw new DataException(t.where(firstNonInteger, lc.name()) + "class label '" + IoMessages.quote(lc.text(firstNonInteger))
                        + "' is not an integer");
            }
            boolean classify = chosen == Task.CLASSIFICATION
                    || chosen == null && firstNonInteger == 0 && distinct.size() <= MAX_INFERRED_CLASSES;
            if (classify) {
                task = Task.CLASSIFICATION;
                classes = new ArrayList<>();
                for (float d : distinct) {
                    classes.add(Long.toString((long) d));
                }
                inference = chosen != null ? "chosen" : "inferred: " + distinct.size() + " distinct integer labels";
            } else {
                task = Task.REGRESSION;
                inference = chosen != null ? "chosen"
                        : "inferred: " + distinct.size() + " distinct numeric targets"
                        + (firstNonInteger > 0 ? ", not all integers" : "");
            }
        }
        List<Feature> features = new ArrayList<>();
        for (int c = 0; c < t.names().size(); c++) {
            if (c == li) {
                continue;
            }
            CsvColumn col = t.column(c);
            features.add(new Feature(col.name(), col.numeric() ? null : new ArrayList<>(new TreeSet<>(col.dictionary()))));
        }
        return new CsvSchema(features, lc.name(), task, classes, inference);
    }

    /**
     * The index of the label column: {@code name} (null: the last column), or without a header a 1-based
     * column number; -1 when it is missing and not {@code required}.
     */
    private static int labelIndex(CsvTable t, String name, boolean required) {
        if (name == null) {
            return t.names().size() - 1;
        }
        int index = t.indexOf(name);
        if (index < 0 && !t.format().header() && name.matches("\\d+")) {
            int k = Integer.parseInt(name);
            if (k >= 1 && k <= t.names().size()) {
                index = k - 1;
            }
        }
        if (index < 0 && required) {
            String near = null;
            for (String n : t.names()) {
                if (n.equalsIgnoreCase(name)) {
                    near = n;
                    break;
                }
            }
            if (near == null) {
                near = io.myelin.config.DidYouMean.nearest(name, t.names());
            }
            throw new DataException("file " + t.source() + " has no label column '" + IoMessages.quote(name) + "'"
                    + (near == null ? "" : "; did you mean '" + IoMessages.quote(near) + "'?") + " (columns: "
                    + IoMessages.quote(String.join(", ", t.names()), 200) + ")"
                    + (t.names().size() == 1 ? delimiterHint(t.names().get(0), t.format().delimiter()) : ""));
        }
        return index;
    }

    /**
     * For a file read as one column: when that column's text holds another usual delimiter (; tab |), the option
     * that reads it ({@code ": its header holds ';': add --delimiter ';'"}); else "".
     */
    private static String delimiterHint(String onlyColumn, char delimiter) {
        for (char c : new char[] {';', '\t', '|', ','}) {
            if (c != delimiter && onlyColumn.indexOf(c) >= 0) {
                String option = c == '\t' ? "--delimiter '\\t'" : "--delimiter '" + c + "'";
                return " (the column name holds " + (c == '\t' ? "tabs" : "'" + c + "'") + ": if that is the delimiter, add "
                        + option + ")";
            }
        }
        return "";
    }

    /**
     * Whether {@code t} holds the label column {@code labelColumn} (null: the training file's): with a header, a
     * column of that name; without one, one column more than the model's feature columns.
     */
    public boolean hasLabelColumn(CsvTable t, String labelColumn) {
        if (t.format().header()) {
            return labelIndex(t, labelColumn != null ? labelColumn : label, false) >= 0;
        }
        return t.names().size() == features.size() + 1;
    }

    /**
     * Encodes {@code t} as this schema says. The label column is {@code labelColumn} (null: the one of the
     * training file); when {@code labels} is false it is ignored if present. With a header, columns are
     * matched by name (order does not matter); without one, by position.
     */
    public Encoded encode(CsvTable t, String labelColumn, boolean labels) {
        String labelName = labelColumn != null ? labelColumn : label;
        int li;
        int[] featureColumns = new int[features.size()];
        if (t.format().header()) {
            li = labelIndex(t, labelName, labels);
            List<String> unknown = new ArrayList<>();
            Arrays.fill(featureColumns, -1);
            java.util.Map<String, Integer> byName = new java.util.HashMap<>();
            for (int f = features.size() - 1; f >= 0; f--) {
                byName.put(features.get(f).name(), f);
            }
            for (int c = 0; c < t.names().size(); c++) {
                if (c == li) {
                    continue;
                }
                int f = byName.getOrDefault(t.names().get(c), -1);
                if (f < 0) {
                    unknown.add(t.names().get(c));
                } else if (featureColumns[f] >= 0) {
                    throw new DataException("file " + t.source() + " has more than one column named '" + IoMessages.quote(t.names().get(c)) + "'");
                } else {
                    featureColumns[f] = c;
                }
            }
            for (int f = 0; f < features.size(); f++) {
                if (featureColumns[f] < 0) {
                    throw new DataException("file " + t.source() + " has no column '" + IoMessages.quote(features.get(f).name())
                            + "', which the model was trained on (model columns: " + IoMessages.quote(String.join(", ", featureNamesOfColumns()), 200)
                            + (labels ? "; label: " + labelName : "") + ")");
                }
            }
            if (!unknown.isEmpty()) {
                throw new DataException("file " + t.source() + " has column" + (unknown.size() > 1 ? "s " : " ")
                        + IoMessages.quote(String.join(", ", unknown), 200) + " the model was not trained on (model columns: "
                        + IoMessages.quote(String.join(", ", featureNamesOfColumns()), 200) + "; label: " + labelName + ")");
            }
        } else {
            int columns = t.names().size();
            if (columns == features.size() + 1) {
                li = labelIndex(t, labelName, true);
            } else if (columns == features.size() && !labels) {
                li = -1;
            } else {
                throw new DataException("file " + t.source() + " has " + columns + " columns, but the model was trained on "
                        + features.size() + " feature columns and a label column");
            }
            int f = 0;
            for (int c = 0; c < columns; c++) {
                if (c != li) {
                    featureColumns[f++] = c;
                }
            }
        }
        int n = t.rows();
        int width = numFeatures();
        float[] x = new float[n * width];
        int offset = 0;
        for (int f = 0; f < features.size(); f++) {
            encodeFeature(t, features.get(f), t.column(featureColumns[f]), x, offset, width);
            offset += features.get(f).width();
        }
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i + 1;
        }
        if (!labels || li < 0) {
            return new Encoded(x, width, rows, task, classes, null, null);
        }
        CsvColumn lc = t.column(li);
        if (task == Task.REGRESSION) {
            if (!lc.numeric()) {
                throw new DataException(t.where(1, lc.name()) + "'" + IoMessages.quote(lc.text(1)) + "' is not a number, but the model "
                        + "predicts numeric targets");
            }
            return new Encoded(x, width, rows, task, null, null, lc.values().clone());
        }
        Map<String, Integer> index = new HashMap<>();
        for (int k = 0; k < classes.size(); k++) {
            index.put(classes.get(k), k);
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            String s = lc.text(i + 1);
            Integer k = index.get(s);
            if (k == null) {
                throw new DataException(t.where(i + 1, lc.name()) + "label '" + IoMessages.quote(s) + "' is not one of the "
                        + classes.size() + " classes the model was trained on (" + abbreviated(classes) + ")");
            }
            y[i] = k;
        }
        return new Encoded(x, width, rows, task, classes, y, null);
    }

    private static void encodeFeature(CsvTable t, Feature f, CsvColumn col, float[] x, int offset, int width) {
        int n = t.rows();
        if (f.numeric()) {
            if (!col.numeric()) {
                throw new DataException(t.where(1, col.name()) + "'" + IoMessages.quote(col.text(1)) + "' is not a number, but the model "
                        + "was trained on numbers in this column");
            }
            float[] v = col.values();
            for (int i = 0; i < n; i++) {
                x[i * width + offset] = v[i];
            }
            return;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int k = 0; k < f.categories().size(); k++) {
            index.put(f.categories().get(k), k);
        }
        for (int i = 0; i < n; i++) {
            String s = col.text(i + 1);
            Integer k = index.get(s);
            if (k == null) {
                throw new DataException(t.where(i + 1, col.name()) + "category '" + IoMessages.quote(s) + "' was not in the training data "
                        + "(known: " + abbreviated(f.categories()) + ")");
            }
            x[i * width + offset + k] = 1f;
        }
    }

    private static String abbreviated(List<String> names) {
        return names.size() <= 20 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 20)) + ", … (" + names.size() + " in all)";
    }

    private List<String> featureNamesOfColumns() {
        List<String> out = new ArrayList<>();
        features.forEach(f -> out.add(f.name()));
        return out;
    }

    /** Model inputs: numeric columns plus the categories of categorical ones. */
    public int numFeatures() {
        int w = 0;
        for (Feature f : features) {
            w += f.width();
        }
        return w;
    }

    /** One name per model input: the column's name, or {@code column=category} for a one-hot input. */
    public List<String> inputNames() {
        List<String> out = new ArrayList<>();
        for (Feature f : features) {
            if (f.numeric()) {
                out.add(f.name());
            } else {
                f.categories().forEach(c -> out.add(f.name() + "=" + c));
            }
        }
        return out;
    }

    public List<Feature> features() {
        return features;
    }

    /** The label column's name in the training file. */
    public String label() {
        return label;
    }

    public Task task() {
        return task;
    }

    /** Class names by index (null for regression). */
    public List<String> classes() {
        return classes;
    }

    /** How the task was decided, e.g. {@code "inferred: 3 class names"} or {@code "chosen"}. */
    public String inference() {
        return inference;
    }

    /** The columns part of model.json: {@code {"label": ..., "features": [{"name": ..., "categories": [...]}]}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", label);
        List<Map<String, Object>> fs = new ArrayList<>();
        for (Feature f : features) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("name", f.name());
            fm.put("type", f.numeric() ? "numeric" : "categorical");
            if (!f.numeric()) {
                fm.put("categories", f.categories());
            }
            fs.add(fm);
        }
        m.put("features", fs);
        return m;
    }

    /** Reads {@link #toMap()}'s layout back, with the task and classes saved beside it. */
    public static CsvSchema fromMap(Map<?, ?> m, Task task, List<String> classes) {
        if (!(m.get("label") instanceof String labelName) || !(m.get("features") instanceof List<?> fs)) {
            throw new DataException("the saved columns lack 'label' or 'features': " + m.keySet());
        }
        if (task == Task.CLASSIFICATION && classes == null) {
            throw new DataException("a saved classifier has no 'classes'");
        }
        List<Feature> features = new ArrayList<>();
        for (Object o : fs) {
            if (!(o instanceof Map<?, ?> fm) || !(fm.get("name") instanceof String name)) {
                throw new DataException("a saved feature column is not an object with a 'name': " + o);
            }
            List<String> categories = null;
            if (fm.get("categories") instanceof List<?> cs) {
                categories = new ArrayList<>();
                for (Object c : cs) {
                    categories.add(String.valueOf(c));
                }
            }
            features.add(new Feature(name, categories));
        }
        return new CsvSchema(features, labelName, task, classes, "saved");
    }
}
