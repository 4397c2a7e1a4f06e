package io.myelin.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;

/**
 * What evaluate and predict score (a picocli mixin): the run directory, the rows ({@code --data}, their CSV
 * layout) and the {@code --seed} of the split they come from. Each option given overrides what the run was
 * trained with.
 *
 * <pre>{@code
 * ScoringOptions scoring = new ScoringOptions();   // in a command, a field: @Mixin ScoringOptions scoring;
 * try (SavedModel saved = SavedModel.load(scoring.run, backend)) { DataSources.Rows rows = scoring.rows(saved.modelJson(), true); }
 * }</pre>
 */
final class ScoringOptions {
    @Parameters(index = "0", description = "Run directory written by 'myelin train'.")
    Path run;

    @Option(names = "--data", paramLabel = "FILE.csv|-|digits|fashion-mnist|DIR",
            description = "Rows to evaluate or predict: every row of a CSV file (- for standard input; predict takes "
                    + "it with or without the label column), or the test part of digits, fashion-mnist or an IDX "
                    + "directory (default: the run's test data: its test file or held-out split).")
    String data;

    @Mixin
    CsvOptions csv;

    @Option(names = "--seed", description = "Seed of the train/test split (default: the run's seed).")
    Long seed;

    /**
     * The rows to score, read through the saved run's columns (see {@link DataSources#forModel}), with a warning
     * when their feature means drifted from the training data's. {@code labels}: the label column is needed.
     */
    DataSources.Rows rows(Map<String, Object> modelJson, boolean labels) {
        DataSources.Rows rows = DataSources.forModel(run, modelJson, data, csv, seed, labels, System.in);
        DataSources.warnDrift(DataProfile.readFrom(modelJson), rows);
        return rows;
    }
}
