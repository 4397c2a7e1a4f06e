package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.data.Dataset;
import io.myelin.train.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code myelin evaluate RUN_DIR [--data ...]}: loss and metrics of a trained model on the test data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluate a trained model on test data.")
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Run directory written by 'myelin train'.")
    Path run;

    @Option(names = "--data", defaultValue = "digits", description = "Dataset as for train (its test part is used).")
    String data;

    @Option(names = "--label-column", description = "CSV label column.")
    String labelColumn;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the train/test split (as used in training).")
    long seed;

    @Option(names = "--backend", defaultValue = "auto")
    String backend;

    @Override
    public Integer call() {
        try (Backend be = Backends.create(backend); SavedModel saved = SavedModel.load(run, be)) {
            Dataset test = RawData.test(data, labelColumn, seed);
            Dataset norm = saved.normalizer() == null ? test : saved.normalizer().apply(test);
            DataSet encoded = DataSources.encode(norm, saved.model().loss(), saved.model().outputFeatures(), "test data");
            Map<String, Double> r = saved.model().evaluate(encoded);
            StringBuilder sb = new StringBuilder();
            r.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "test %s: %.4f  ", k, v)));
            System.out.println(sb.toString().trim());
        }
        return 0;
    }
}
