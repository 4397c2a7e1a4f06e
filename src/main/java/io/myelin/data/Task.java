package io.myelin.data;

import java.util.Locale;

/** What a model learns from its label column: class labels or real-valued targets. */
public enum Task {
    CLASSIFICATION, REGRESSION;

    /** The name used on the command line and in model.json: {@code "classification"} or {@code "regression"}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The task named {@code name}; a {@link DataException} naming the known ones otherwise. */
    public static Task fromJsonName(String name) {
        for (Task t : values()) {
            if (t.jsonName().equals(name)) {
                return t;
            }
        }
        throw new DataException("unknown task '" + name + "' (known: classification, regression)");
    }
}
