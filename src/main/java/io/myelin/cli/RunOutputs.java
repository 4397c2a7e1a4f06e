package io.myelin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.myelin.io.AtomicFiles;
import io.myelin.io.ModelFiles;
import io.myelin.nn.Layer;
import io.myelin.train.History;
import io.myelin.train.ModelSpec;
import io.myelin.train.Sequential;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a training run's directory: {@code model.json}, {@code weights.safetensors}, {@code history.csv},
 * {@code metrics.json}, {@code curves.png}. Each file is written atomically (temp file + fsync + rename),
 * so a crash never leaves a partial file.
 */
final class RunOutputs {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunOutputs() {
    }

    static void write(Path dir, ModelSpec spec, Sequential net, TrainCommand.LoadedData data, History history,
                      Map<String, Object> metrics) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve("model.json"), JSON.writeValueAsBytes(modelJson(spec, net, data)));
            ModelFiles.saveWeights(net, dir.resolve("weights.safetensors"), Map.of("format", "pt", "producer", "myelin"));
            AtomicFiles.write(dir.resolve("metrics.json"), JSON.writeValueAsBytes(metrics));
            if (history != null) {
                AtomicFiles.write(dir.resolve("history.csv"), historyCsv(history).getBytes(StandardCharsets.UTF_8));
                AtomicFiles.write(dir.resolve("curves.png"), curves(history));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run outputs to " + dir + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Object> modelJson(ModelSpec spec, Sequential net, TrainCommand.LoadedData data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "myelin-model");
        m.put("format_version", 1);
        m.put("spec", spec.asMap());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Layer l : net.layers()) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("name", l.name());
            lm.put("type", l.type());
            lm.putAll(l.config());
            layers.add(lm);
        }
        m.put("layers", layers);
        m.put("loss", net.loss().name());
        m.put("optimizer", net.optimizer().toSpec());
        m.put("normalization", data.normalization());
        m.put("seed", net.seed());
        m.put("global_step", net.globalStep());
        return m;
    }

    static String historyCsv(History h) {
        StringBuilder sb = new StringBuilder("epoch");
        List<String> keys = new ArrayList<>(h.all().keySet());
        keys.forEach(k -> sb.append(',').append(k));
        sb.append('\n');
        for (int e = 0; e < h.epochs(); e++) {
            sb.append(e + 1);
            for (String k : keys) {
                sb.append(',').append(String.format(Locale.ROOT, "%.6g", h.get(k).get(e)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Loss and accuracy (train and validation where present) per epoch, one PNG with two charts side by side. */
    static byte[] curves(History h) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(480).title("Training curves")
                .xAxisTitle("epoch").yAxisTitle("value").build();
        double[] epochs = new double[h.epochs()];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = i + 1;
        }
        for (String key : h.all().keySet()) {
            if (key.equals("epoch_seconds") || key.equals("lr")) {
                continue;
            }
            chart.addSeries(key, epochs, h.get(key).stream().mapToDouble(Double::doubleValue).toArray());
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }
}
