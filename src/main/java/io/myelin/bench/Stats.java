package io.myelin.bench;

import java.util.Arrays;

/** Small statistics over benchmark samples. */
final class Stats {
    private Stats() {
    }

    /** Median (mean of the middle two for an even count); NaN for no samples. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
