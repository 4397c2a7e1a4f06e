package io.myelin.cli;

import io.myelin.data.DataException;
import io.myelin.data.Task;
import io.myelin.train.ModelSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * What a training run starts from, for train and lr-find (a picocli mixin): the spec ({@code --model}), the
 * data ({@code --data}, its CSV layout, {@code --task}) and {@code --batch-size}. Each option is declared,
 * described and checked here once.
 *
 * <pre>{@code
 * TrainingInputs inputs = new TrainingInputs();   // in a command, fields: @Mixin TrainingInputs inputs;
 * SeedOption seed = new SeedOption();             //                        @Mixin SeedOption seed;
 * inputs.check();
 * TrainCommand.LoadedData d = DataSources.load(inputs.settings(), seed.value(), inputs.spec().normalization());
 * }</pre>
 */
final class TrainingInputs {
    @Option(names = "--model", description = "Model spec JSON (default: an MLP suited to the data).")
    Path model;

    @Option(names = "--data", defaultValue = "digits",
            description = "digits | fashion-mnist | DIR with IDX files | FILE.csv (default: ${DEFAULT-VALUE}).")
    String data;

    @Mixin
    CsvOptions csv;

    @Option(names = "--task", paramLabel = "classification|regression",
            description = "What the CSV label column holds (default: inferred: names, or integers with at most 50 "
                    + "distinct values, are classes; other numbers are regression targets).")
    String task;

    @Option(names = "--batch-size", defaultValue = "32", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    /** Refuses values that parse but make no sense, each as a {@link UserError} naming the option. */
    void check() {
        if (batchSize < 1) {
            throw new UserError("--batch-size must be at least 1, got " + batchSize);
        }
    }

    /** The spec of {@code --model}, read strictly; null without it (the caller picks a default for the data). */
    ModelSpec spec() {
        return model != null ? ModelSpec.read(model) : null;
    }

    /** The settings of {@code --data}, the CSV options and {@code --task} (train's test options at their defaults). */
    DataSettings settings() {
        Character delimiter = csv.delimiterChar();
        return new DataSettings(data == null ? "digits" : data, csv.labelColumn, !csv.noHeader,
                delimiter == null ? ',' : delimiter, task == null ? null : parseTask(task), null, null, false);
    }

    /** {@code --task}'s value; a {@link UserError} naming the known ones otherwise. */
    static Task parseTask(String name) {
        try {
            return Task.fromJsonName(name);
        } catch (DataException e) {
            throw new UserError("--task must be classification or regression, got '" + name + "'");
        }
    }
}
