package io.myelin.cli;

import picocli.CommandLine.Option;

/**
 * {@code --seed N} (default 42) of the commands that build a model: train, lr-find and bench (a picocli mixin).
 * evaluate and predict have a {@code --seed} of their own ({@link ScoringOptions}): the split of a saved run.
 */
final class SeedOption {
    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of initialization, shuffling, dropout, data splits and bench's synthetic data "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed;

    long value() {
        return seed;
    }
}
