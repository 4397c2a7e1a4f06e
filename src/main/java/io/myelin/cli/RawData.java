package io.myelin.cli;

import io.myelin.data.Dataset;

/** The un-normalized test part of a {@code --data} source (normalization comes from the saved model). */
final class RawData {
    private RawData() {
    }

    static Dataset test(String data, String labelColumn, long seed) {
        Dataset test = DataSources.raw(data, labelColumn, seed).split().test();
        if (test == null) {
            throw new UserError("--data " + data + " has no test split");
        }
        return test;
    }
}
