package io.myelin.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@link Sequential#fit}: epochs, batch size (1 = stochastic, n = full batch, default 32
 * mini-batches), per-epoch reshuffling, a validation split (taken from the end of the data, before
 * shuffling, as Keras does) or explicit validation data, and callbacks.
 *
 * <pre>{@code
 * FitConfig cfg = FitConfig.builder().epochs(10).batchSize(128).validationSplit(0.1).build();
 * }</pre>
 */
public record FitConfig(int epochs, int batchSize, boolean shuffle, double validationSplit, DataSet validation,
                        List<Callback> callbacks, int initialEpoch) {

    public FitConfig {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("validation split must be in [0, 1), got " + validationSplit);
        }
        callbacks = List.copyOf(callbacks);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent builder with the documented defaults (1 epoch, batch 32, shuffle on). */
    public static final class Builder {
        private int epochs = 1;
        private int batchSize = 32;
        private boolean shuffle = true;
        private double validationSplit;
        private DataSet validation;
        private final List<Callback> callbacks = new ArrayList<>();
        private int initialEpoch;

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder shuffle(boolean v) {
            shuffle = v;
            return this;
        }

        public Builder validationSplit(double v) {
            validationSplit = v;
            return this;
        }

        public Builder validationData(DataSet v) {
            validation = v;
            return this;
        }

        public Builder callback(Callback c) {
            callbacks.add(c);
            return this;
        }

        /** Resume: the first epoch to run (epochs counts the total, as Keras' initial_epoch). */
        public Builder initialEpoch(int v) {
            initialEpoch = v;
            return this;
        }

        public FitConfig build() {
            return new FitConfig(epochs, batchSize, shuffle, validationSplit, validation, callbacks, initialEpoch);
        }
    }
}
