package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.data.Dataset;
import io.myelin.train.EncodedData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
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
    @Parameters(index = "0", description = "Run directory written by 'myelin train'.")
    Path run;

    @Option(names = "--data", paramLabel = "FILE.csv|-|digits|fashion-mnist|DIR",
            description = "Data to evaluate on: every row of a CSV file (- for standard input), or the test part of "
                    + "digits, fashion-mnist or an IDX directory (default: the run's test file or held-out split).")
    String data;

    @Mixin
    CsvOptions csv;

    @Option(names = "--seed", description = "Seed of the train/test split (default: the run's seed).")
    Long seed;

    @Option(names = "--backend", defaultValue = "auto")
    String backend;

    @Override
    public Integer call() {
        try (Backend be = Backends.create(backend); SavedModel saved = SavedModel.load(run, be)) {
            DataSources.Rows rows = DataSources.forModel(run, saved.modelJson(), data, csv, seed, true, System.in);
            DataSources.warnDrift(saved.profile(), rows);
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
