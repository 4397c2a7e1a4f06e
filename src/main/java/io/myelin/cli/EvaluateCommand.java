package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.data.Dataset;
import io.myelin.train.EncodedData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code myelin evaluate RUN_DIR [--data ...]}: loss and metrics of a trained model on labelled data, by
 * default the run's own test data. Labels are mapped through the classes saved with the model; the rows' feature
 * means are checked for drift against the training statistics.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a trained model on labelled data (default: the run's test data).")
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ScoringOptions scoring;

    @Mixin
    BackendOption backend;

    @Override
    public Integer call() {
        backend.check();
        // The run and the data are read and checked before a backend starts: a mistake is the first line printed.
        Map<String, Object> modelJson = SavedModel.read(scoring.run);
        DataSources.Rows rows = scoring.rows(modelJson, true);
        try (Backend be = backend.create(); SavedModel saved = SavedModel.load(scoring.run, modelJson, be)) {
            Dataset norm = DataSources.prepare(rows.labelled(), saved.normalizer(),
                    saved.profile() == null ? null : saved.profile().targetScaling());
            EncodedData encoded = DataSources.encode(norm, saved.model().loss(), saved.model().outputFeatures(),
                    rows.description());
            Map<String, Double> r = saved.model().evaluate(encoded);
            StringBuilder sb = new StringBuilder();
            r.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "test %s: %.4f  ", k, v)));
            System.err.println("evaluated on " + rows.description());
            System.out.println(sb.toString().trim());
        }
        return 0;
    }
}
