package io.myelin.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@link Sequential#fit}: epochs, batch size (1 = stochastic, n = full batch, default 32
 * mini-batches), per-epoch reshuffling, a validation split (taken from the end of the data, before
 * shuffling, as Keras does) or explicit validation data, callbacks, and where to start: {@code initialEpoch}
 * (Keras' initial_epoch) or a {@link ResumeState} to continue a checkpointed run.
 *
 * <pre>{@code
 * FitConfig cfg = FitConfig.builder().epochs(10).batchSize(128).validationSplit(0.1).build();
 * }</pre>
 */
public record FitConfig(int epochs, int batchSize, boolean shuffle, double validationSplit, EncodedData validation,
                        List<Callback> callbacks, int initialEpoch, ResumeState resume) {

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
        if (resume != null && initialEpoch != resume.epochsCompleted()) {
            throw new IllegalArgumentException("initial epoch " + initialEpoch + " differs from the "
                    + resume.epochsCompleted() + " epochs the resumed checkpoint has completed");
        }
        if (initialEpoch < 0 || initialEpoch >= epochs) {
            throw new IllegalArgumentException("epochs must be larger than the initial epoch (epochs counts the total, "
                    + "including epochs already done): got epochs " + epochs + ", initial epoch " + initialEpoch);
        }
        callbacks = List.copyOf(callbacks);
    }

    /** Without a resume state. */
    public FitConfig(int epochs, int batchSize, boolean shuffle, double validationSplit, EncodedData validation,
                     List<Callback> callbacks, int initialEpoch) {
        this(epochs, batchSize, shuffle, validationSplit, validation, callbacks, initialEpoch, null);
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
        private EncodedData validation;
        private final List<Callback> callbacks = new ArrayList<>();
        private int initialEpoch;
        private ResumeState resume;

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

        public Builder validationData(EncodedData v) {
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

        /**
         * Continues a checkpointed run: starts at its {@code epochsCompleted}, gives the callbacks their saved
         * state and prepends its history. The model must hold the checkpoint's weights, optimizer state and
         * global step ({@code Checkpoints.load}); {@code epochs} is the new total.
         */
        public Builder resumeFrom(ResumeState state) {
            resume = state;
            initialEpoch = state.epochsCompleted();
            return this;
        }

        public FitConfig build() {
            return new FitConfig(epochs, batchSize, shuffle, validationSplit, validation, callbacks, initialEpoch, resume);
        }
    }
}
