package io.myelin.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-epoch values recorded by {@link Sequential#fit}: {@code loss}, metrics, {@code val_*}, {@code lr},
 * {@code epoch_seconds}; a resumed fit's history starts with the checkpoint's epochs. {@code history.get("val_loss")}.
 */
public final class History {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    private String stopReason;

    /** The history of a checkpoint's completed epochs ({@link ResumeState#history()}), e.g. to report a finished run. */
    public static History of(Map<String, List<Double>> series) {
        History h = new History();
        h.recordAll(series);
        return h;
    }

    public void record(Map<String, Double> epochLogs) {
        epochLogs.forEach((k, v) -> values.computeIfAbsent(k, key -> new ArrayList<>()).add(v));
    }

    /** Appends whole per-key series (a resumed run's earlier epochs). */
    void recordAll(Map<String, List<Double>> series) {
        series.forEach((k, v) -> values.computeIfAbsent(k, key -> new ArrayList<>()).addAll(v));
    }

    public List<Double> get(String key) {
        return Collections.unmodifiableList(values.getOrDefault(key, List.of()));
    }

    public Map<String, List<Double>> all() {
        return Collections.unmodifiableMap(values);
    }

    public int epochs() {
        return values.getOrDefault("loss", List.of()).size();
    }

    public double last(String key) {
        List<Double> v = get(key);
        if (v.isEmpty()) {
            throw new IllegalArgumentException("history has no '" + key + "'; has " + values.keySet());
        }
        return v.get(v.size() - 1);
    }

    /** Why training stopped early (early stopping, divergence), or null if it ran all epochs. */
    public String stopReason() {
        return stopReason;
    }

    void setStopReason(String reason) {
        this.stopReason = reason;
    }
}
