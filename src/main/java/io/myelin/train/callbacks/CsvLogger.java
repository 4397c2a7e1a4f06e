package io.myelin.train.callbacks;

import io.myelin.io.AtomicFiles;
import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Rewrites a CSV of the per-epoch logs (atomically) after every epoch. {@code new CsvLogger(Path.of("log.csv"))}. */
public final class CsvLogger implements Callback {
    private final Path file;
    private final List<String> keys = new ArrayList<>();
    private final StringBuilder rows = new StringBuilder();

    public CsvLogger(Path file) {
        this.file = file;
    }

    @Override
    public void onEpochEnd(TrainingState state, int epoch, Map<String, Double> logs) {
        if (keys.isEmpty()) {
            keys.addAll(logs.keySet());
        }
        rows.append(epoch + 1);
        for (String k : keys) {
            rows.append(',').append(String.format(Locale.ROOT, "%.6g", logs.getOrDefault(k, Double.NaN)));
        }
        rows.append('\n');
        String csv = "epoch," + String.join(",", keys) + "\n" + rows;
        try {
            AtomicFiles.write(file, csv.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new io.myelin.io.OutputWriteException(file, e);
        }
    }
}
