package io.myelin.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one benchmark run measured. {@link #toJson()} writes the one-line record that
 * {@code scripts/bench_torch.py} writes for PyTorch with the same keys, so {@code scripts/bench-peers.sh}
 * can pair them.
 *
 * @param epochSeconds timed epochs (after one warm-up epoch); empty in step mode
 * @param stepMillis   timed steps; empty where steps are not timed one by one (device backends in epoch mode)
 * @param testAccuracy Fashion-MNIST in epoch mode, else null
 * @param trainLoss    mean training loss of the last epoch fit ran
 * @param peakRssMib   VmHWM, or NaN where unknown
 */
public record BenchResult(String backend, String backendDetail, String runtime, String data, String model, long params,
                          int batchSize, String mode, int warmup, double[] epochSeconds, double[] stepMillis,
                          Double testAccuracy, double trainLoss, double peakRssMib) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public double epochSecondsMedian() {
        return Stats.median(epochSeconds);
    }

    public double stepMillisMedian() {
        return Stats.median(stepMillis);
    }

    /** The fields shared with bench_torch.py, in its order; NaN becomes null. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("system", "myelin");
        m.put("backend", backend);
        m.put("backend_detail", backendDetail);
        m.put("runtime", runtime);
        m.put("data", data);
        m.put("model", model);
        m.put("params", params);
        m.put("batch_size", batchSize);
        m.put("mode", mode);
        m.put("warmup", warmup);
        m.put("epoch_seconds", Arrays.stream(epochSeconds).map(BenchResult::round6).boxed().toList());
        m.put("epoch_seconds_median", finite(epochSecondsMedian()));
        m.put("steps_timed", stepMillis.length);
        m.put("step_ms_median", finite(stepMillisMedian()));
        m.put("step_ms_mean", finite(Arrays.stream(stepMillis).average().orElse(Double.NaN)));
        m.put("test_accuracy", testAccuracy);
        m.put("train_loss", finite(trainLoss));
        m.put("peak_rss_mb", finite(peakRssMib));
        return m;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(fields());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A few readable lines: setup, each epoch, then the medians. */
    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "bench: %s | %s | %s (%d params) | batch %d | %s%n",
                backend, data, model, params, batchSize, runtime));
        for (int i = 0; i < epochSeconds.length; i++) {
            s.append(String.format(Locale.ROOT, "epoch %d: %.3f s%n", i + 1, epochSeconds[i]));
        }
        if (epochSeconds.length > 0) {
            s.append(String.format(Locale.ROOT, "median epoch: %.3f s (after %d warm-up epoch)%n", epochSecondsMedian(), warmup));
        }
        if (stepMillis.length > 0) {
            s.append(String.format(Locale.ROOT, "median step: %.3f ms (mean %.3f) over %d steps%s%n", stepMillisMedian(),
                    Arrays.stream(stepMillis).average().orElseThrow(), stepMillis.length,
                    mode.equals("steps") ? " (after " + warmup + " warm-up steps)" : ""));
        }
        if (testAccuracy != null) {
            s.append(String.format(Locale.ROOT, "test accuracy: %.4f%n", testAccuracy));
        }
        s.append(String.format(Locale.ROOT, "train loss: %.4f%n", trainLoss));
        if (Double.isFinite(peakRssMib)) {
            s.append(String.format(Locale.ROOT, "peak RSS: %.1f MiB%n", peakRssMib));
        }
        return s.toString();
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? round6(v) : null;
    }

    private static double round6(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
