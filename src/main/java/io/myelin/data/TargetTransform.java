package io.myelin.data;

import java.util.Locale;

/**
 * An optional transform of regression targets, applied before training and inverted on predictions.
 * {@link #LOG1P} ({@code y' = ln(1 + y)}, inverse {@code expm1}) tames right-skewed, non-negative targets
 * such as prices or counts; it needs every target {@code > -1}.
 *
 * <pre>{@code
 * Dataset t = TargetTransform.LOG1P.apply(data); float[] prices = TargetTransform.LOG1P.inverse(model.predict(values, n));
 * }</pre>
 */
public enum TargetTransform {
    NONE,
    LOG1P;

    /** The name used in model.json: {@code "none"} or {@code "log1p"}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TargetTransform fromJsonName(String name) {
        for (TargetTransform t : values()) {
            if (t.jsonName().equals(name)) {
                return t;
            }
        }
        throw new DataException("unknown target transform '" + name + "' (known: none, log1p)");
    }

    /** Transformed copy of {@code y}. */
    public float[] forward(float[] y) {
        float[] out = y.clone();
        if (this == LOG1P) {
            for (int i = 0; i < out.length; i++) {
                if (!(y[i] > -1f)) {
                    throw new DataException("the log1p target transform needs targets > -1, but target " + i
                            + " is " + y[i]);
                }
                out[i] = (float) Math.log1p(y[i]);
            }
        }
        return out;
    }

    /** Maps model outputs back to the original target scale (a copy). */
    public float[] inverse(float[] y) {
        float[] out = y.clone();
        if (this == LOG1P) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) Math.expm1(y[i]);
            }
        }
        return out;
    }

    /** The regression dataset with transformed targets. */
    public Dataset apply(Dataset d) {
        if (d.isClassification()) {
            throw new DataException("target transform " + jsonName() + " applies to regression targets, "
                    + "but this dataset has class labels");
        }
        return this == NONE ? d : d.withTargets(forward(d.targets()));
    }
}
