package io.myelin.cli;

import io.myelin.data.CsvSchema;
import io.myelin.data.FeatureStats;
import io.myelin.data.Normalizer;
import io.myelin.data.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a trained model knows about its data, saved in model.json: the task, the class names by index, the CSV
 * columns ({@link CsvSchema}: label, feature columns, categories; null for images), the training features'
 * mean and standard deviation ({@link FeatureStats}, for the drift warning) and the z-score scaling of
 * regression targets (null unless {@code --scale-targets}).
 *
 * @param inference how the task was decided, e.g. {@code inferred: 3 class names}
 */
record DataProfile(Task task, String inference, List<String> classes, CsvSchema columns, FeatureStats featureStats,
                   Normalizer targetScaling) {

    /** Adds {@code task}, {@code classes}, {@code columns}, {@code feature_stats} and {@code target_scaling}. */
    void writeTo(Map<String, Object> modelJson) {
        modelJson.put("task", task.jsonName());
        modelJson.put("classes", classes);
        modelJson.put("columns", columns == null ? null : columns.toMap());
        modelJson.put("feature_stats", featureStats == null ? null : featureStats.toMap());
        modelJson.put("target_scaling", targetScaling == null ? null : targetScaling.toMap());
    }

    /** The profile saved in model.json; null for a run written before profiles were saved. */
    @SuppressWarnings("unchecked")
    static DataProfile readFrom(Map<String, Object> modelJson) {
        if (!(modelJson.get("task") instanceof String taskName)) {
            return null;
        }
        Task task = Task.fromJsonName(taskName);
        List<String> classes = null;
        if (modelJson.get("classes") instanceof List<?> cs) {
            classes = new ArrayList<>();
            for (Object c : cs) {
                classes.add(String.valueOf(c));
            }
        }
        CsvSchema columns = modelJson.get("columns") instanceof Map<?, ?> m ? CsvSchema.fromMap(m, task, classes) : null;
        FeatureStats stats = modelJson.get("feature_stats") instanceof Map<?, ?> m ? FeatureStats.fromMap(m) : null;
        Normalizer scaling = modelJson.get("target_scaling") instanceof Map<?, ?> m
                ? Normalizer.fromMap((Map<String, ?>) m) : null;
        return new DataProfile(task, "saved", classes, columns, stats, scaling);
    }

    /** {@code task: regression (inferred: 215 distinct numeric targets; use --task to choose)}. */
    String taskLine() {
        String how = columns == null ? inference
                : inference.equals("chosen") ? "chosen with --task"
                : inference.equals("saved") ? "saved with the run"  // --task cannot change a resumed run's task
                : inference + "; use --task to choose";
        return "task: " + task.jsonName() + " (" + how + ")";
    }
}
