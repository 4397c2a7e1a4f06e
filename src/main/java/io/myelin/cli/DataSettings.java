package io.myelin.cli;

import io.myelin.data.CsvTable;
import io.myelin.data.Task;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a run's data comes from and how it is read and split: {@code --data}, the CSV layout, {@code --task},
 * {@code --test-data}, {@code --test-split} and {@code --scale-targets}. Saved in model.json's {@code training}
 * object ({@link #toMap()}) so that resume, evaluate and predict read the data the same way.
 *
 * @param data        {@code digits}, {@code fashion-mnist}, a directory of IDX files or a CSV file
 * @param task        null: inferred from the labels
 * @param testData    a separate CSV test file, or null
 * @param testSplit   the fraction held out for testing when there is no test file; null: the default (0.2)
 */
record DataSettings(String data, String labelColumn, boolean header, char delimiter, Task task, String testData,
                    Double testSplit, boolean scaleTargets) {
    /** A single CSV file (or digits) without a separate test file holds out this fraction for testing. */
    static final double DEFAULT_TEST_SPLIT = 0.2;

    /** The settings of {@code --data} alone, everything else at its default. */
    static DataSettings of(String data) {
        return new DataSettings(data == null ? "digits" : data, null, true, ',', null, null, null, false);
    }

    CsvTable.Format format() {
        return new CsvTable.Format(header, delimiter);
    }

    double testFraction() {
        return testSplit == null ? DEFAULT_TEST_SPLIT : testSplit;
    }

    DataSettings withData(String d) {
        return new DataSettings(d, labelColumn, header, delimiter, task, testData, testSplit, scaleTargets);
    }

    DataSettings withLabelColumn(String l) {
        return new DataSettings(data, l, header, delimiter, task, testData, testSplit, scaleTargets);
    }

    /** {@code data} and {@code test_data} as saved: names as given, paths made absolute (resume from anywhere). */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", canonical(data));
        m.put("label_column", labelColumn);
        m.put("header", header);
        m.put("delimiter", String.valueOf(delimiter));
        m.put("task", task == null ? null : task.jsonName());
        m.put("test_data", testData == null ? null : canonical(testData));
        m.put("test_split", testSplit);
        m.put("scale_targets", scaleTargets);
        return m;
    }

    /** Reads {@link #toMap()}'s keys from model.json's {@code training} object; absent keys take their defaults. */
    static DataSettings fromMap(Map<?, ?> m) {
        Object data = m.get("data");
        Object label = m.get("label_column");
        Object delimiter = m.get("delimiter");
        Object task = m.get("task");
        Object testData = m.get("test_data");
        return new DataSettings(data == null ? "digits" : data.toString(), label == null ? null : label.toString(),
                !Boolean.FALSE.equals(m.get("header")),
                delimiter instanceof String s && s.length() == 1 ? s.charAt(0) : ',',
                task instanceof String t ? Task.fromJsonName(t) : null,
                testData == null ? null : testData.toString(),
                m.get("test_split") instanceof Number n ? n.doubleValue() : null,
                Boolean.TRUE.equals(m.get("scale_targets")));
    }

    static String canonical(String data) {
        String d = data.trim();
        if (d.equals("digits") || d.equals("fashion-mnist") || d.equals("-")) {
            return d;
        }
        return Path.of(d).toAbsolutePath().normalize().toString();
    }
}
