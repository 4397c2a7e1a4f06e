package io.myelin.train;

import io.myelin.autograd.GradMode;
import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.UnaryOp;
import io.myelin.nn.ForwardContext;
import io.myelin.nn.Parameter;
import io.myelin.random.SeededRandom;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop behind {@link Sequential#fit}. The data (training and validation) are uploaded once
 * per fit; each step gathers its batch on the backend, runs forward + backward inside a step {@link Scope}
 * (every temporary is freed when the step ends) and accumulates loss, L1/L2 penalty and metrics on the
 * backend. On a backend whose reads wait for the device ({@link io.myelin.backend.Capabilities}) the loop
 * reads only the loss accumulator, once per progress tick, and the epoch's results at its end: the device
 * is never waited on between ticks (DESIGN.md principle 6; StepSynchronizationTest counts it).
 */
final class FitLoop {
    /** Stream ids of the seeded generators, apart from the layers' init streams. */
    private static final int SHUFFLE_STREAM = 1_000_003;

    private final Sequential model;
    private final Backend be;

    FitLoop(Sequential model) {
        this.model = model;
        this.be = model.backend();
    }

    History fit(EncodedData all, FitConfig cfg) {
        checkData(all, "training");
        EncodedData train = all;
        EncodedData validation = cfg.validation();
        if (cfg.validationSplit() > 0) {
            int nVal = (int) Math.round(all.n() * cfg.validationSplit());
            if (nVal < 1 || nVal >= all.n()) {
                throw new IllegalArgumentException("validation split " + cfg.validationSplit() + " of " + all.n()
                        + " samples leaves no training or no validation data");
            }
            train = all.slice(0, all.n() - nVal);
            validation = all.slice(all.n() - nVal, all.n());
        }
        if (validation != null) {
            checkData(validation, "validation");
        }
        final EncodedData trainSet = train;
        int n = train.n();
        int batch = Math.min(cfg.batchSize(), n);
        long stepsPerEpoch = (n + batch - 1) / batch;
        History history = new History();
        TrainingState state = new TrainingState(model, cfg.epochs(), stepsPerEpoch);
        List<Callback> callbacks = cfg.callbacks();
        if (cfg.resume() != null) {
            resume(cfg.resume(), history, callbacks);
        }
        SeededRandom shuffler = new SeededRandom(model.seed(), SHUFFLE_STREAM);
        final EncodedData validationSet = validation;
        try (Tensor x = Scope.unscoped(() -> Tensor.of(be, trainSet.x(), n, trainSet.features()));
             Tensor y = Scope.unscoped(() -> Tensor.of(be, trainSet.y(), n, trainSet.targetCols()));
             Resident val = validationSet == null ? null : Resident.upload(be, validationSet);
             Tensor lossAcc = Scope.unscoped(() -> Tensor.zeros(be, 1, 1));
             Accumulators metricAcc = new Accumulators(be, model.metrics().size())) {
            callbacks.forEach(c -> c.onTrainBegin(state));
            int[] order = new int[n];
            for (int epoch = cfg.initialEpoch(); epoch < cfg.epochs() && !state.stopRequested(); epoch++) {
                long t0 = System.nanoTime();
                Map<String, float[]> lastGood = model.weightsSnapshot();
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                if (cfg.shuffle()) {
                    shuffler.setCounter(epoch * (long) n);
                    shuffler.shuffle(order);
                }
                final int ep = epoch;
                callbacks.forEach(c -> c.onEpochBegin(state, ep));
                if (!trainEpoch(epoch, x, y, order, batch, stepsPerEpoch, lossAcc, metricAcc, callbacks, state,
                        lastGood)) {
                    break;  // a callback stopped the run during the epoch: the unfinished epoch is not recorded
                }
                if (!state.stepLossWanted()) {
                    addWeightsCheck(lossAcc);  // rides on the loss read below: no extra wait for the device
                }
                double epochLoss = (double) lossAcc.item() / n;
                if (!Double.isFinite(epochLoss) && !state.stepLossWanted() && !weightsFinite()) {
                    nonFiniteWeights(epoch, lastGood);
                }
                Map<String, Double> logs = new LinkedHashMap<>();
                logs.put("loss", epochLoss);
                List<Metric> metrics = model.metrics();
                for (int i = 0; i < metrics.size(); i++) {
                    Metric m = metrics.get(i);
                    logs.put(m.name(), metricAcc.get(i) / (m.perElement() ? (double) n * model.outputFeatures() : n));
                }
                if (val != null) {
                    evaluate(val, Math.max(batch, 256)).forEach((k, v) -> logs.put("val_" + k, v));
                }
                logs.put("lr", (double) model.optimizer().learningRate());
                logs.put("epoch_seconds", (System.nanoTime() - t0) / 1e9);
                history.record(logs);
                callbacks.forEach(c -> c.onEpochEnd(state, ep, logs));
                model.setResumeState(ResumeState.capture(epoch + 1, model, cfg, callbacks, history));
                callbacks.forEach(c -> c.onEpochCommitted(state, ep, logs));
            }
            callbacks.forEach(c -> c.onTrainEnd(state));
        }
        history.setStopReason(state.stopReason());
        return history;
    }

    /**
     * The steps of one epoch; lossAcc ends holding the rows-weighted sum of the data loss and the L1/L2
     * penalty (after each step's update). Returns false when a callback requested a stop before the epoch's
     * last step (the run then ends after that step), true when the epoch ran to its end. Kept out of
     * {@link #fit} so the JIT compiles a small method for the hot loop: profiles showed C2 spending about
     * 250 ms of one of the two cores on an OSR compile of the whole of {@code fit}, slowing the GEMMs
     * running beside it.
     */
    private boolean trainEpoch(int epoch, Tensor x, Tensor y, int[] order, int batch, long stepsPerEpoch,
            Tensor lossAcc, Accumulators metricAcc, List<Callback> callbacks, TrainingState state,
            Map<String, float[]> lastGood) {
        be.fill(lossAcc, 0f);
        metricAcc.reset();
        int n = order.length;
        long tick = Math.max(1, stepsPerEpoch / 50);
        boolean checkEveryStep = !be.capabilities().readWaitsForDevice();
        boolean penalty = model.hasPenalty();
        int seen = 0;
        for (long s = 0; s < stepsPerEpoch; s++) {
            int from = (int) (s * batch);
            int rows = Math.min(batch, n - from);
            long global = model.globalStep();
            state.setPosition(epoch, global);
            callbacks.forEach(c -> c.onBatchBegin(state, global));
            boolean readLoss = checkEveryStep || state.stepLossWanted();
            float stepLoss = step(x, y, order, from, rows, lossAcc, metricAcc, callbacks, state, readLoss);
            state.setLastStepLoss(readLoss ? stepLoss : Double.NaN);
            if (readLoss && !Float.isFinite(stepLoss) && !state.stepLossWanted()) {
                diverged(epoch, global, lastGood, stepLoss);
            }
            if (penalty) {
                model.addPenalty(lossAcc, rows);
            }
            seen += rows;
            model.advanceStep();
            if ((s + 1) % tick == 0 || s == stepsPerEpoch - 1) {
                double mean = (double) lossAcc.item() / seen;
                if (!Double.isFinite(mean) && !state.stepLossWanted()) {
                    diverged(epoch, global, lastGood, (float) mean);
                }
                state.setRunningLoss(mean);
            }
            callbacks.forEach(c -> c.onBatchEnd(state, global));
            if (state.stopRequested() && s < stepsPerEpoch - 1) {
                return false;
            }
        }
        return true;
    }

    /** Continues a checkpointed run: its history first, its callbacks' state restored. */
    private void resume(ResumeState r, History history, List<Callback> callbacks) {
        if (model.globalStep() != r.globalStep() || model.seed() != r.seed()) {
            throw new IllegalArgumentException("the model is not at the checkpoint being resumed (global step "
                    + model.globalStep() + " vs " + r.globalStep() + ", seed " + model.seed() + " vs " + r.seed()
                    + "); load the checkpoint into the model first (Checkpoints.load)");
        }
        history.recordAll(r.history());
        r.restoreCallbacks(callbacks);
    }

    /** One training step on rows order[from, from+rows); returns the step's loss on CPU, NaN-free check elsewhere. */
    private float step(Tensor x, Tensor y, int[] order, int from, int rows, Tensor lossAcc, Accumulators metricAcc,
                       List<Callback> callbacks, TrainingState state, boolean readLoss) {
        float result = 0f;
        try (Scope scope = Scope.open(); Tape tape = Tape.open()) {
            Tensor xb = gather(x, order, from, rows);
            Tensor yb = gather(y, order, from, rows);
            ForwardContext ctx = new ForwardContext(true, false, model.seed(), model.globalStep(), model.fusesSoftmax());
            Tensor out = model.forward(xb, ctx);
            Tensor loss = model.dataLoss(out, yb);
            tape.backward(loss);
            callbacks.forEach(c -> c.onGradients(state, model.globalStep()));
            model.optimizer().step(model.parameters());
            Tensor scaled = Tensor.empty(be, 1, 1);
            be.unary(UnaryOp.AFFINE, rows, 0f, loss, scaled);
            be.binary(BinaryOp.ADD, lossAcc, scaled, lossAcc);
            try (GradMode.Guard g = GradMode.noGrad()) {
                metricAcc.accumulate(model, out, yb);
            }
            if (readLoss) {
                result = loss.item();
            }
        }
        return result;
    }

    private Tensor gather(Tensor src, int[] order, int from, int rows) {
        float[] idx = new float[rows];
        for (int i = 0; i < rows; i++) {
            idx[i] = order[from + i];
        }
        Tensor indices = Tensor.of(be, idx, rows, 1);
        Tensor out = Tensor.empty(be, rows, src.cols());
        be.gatherRows(src, indices, out);
        return out;
    }

    /** Loss (incl. penalty) and metrics over data in inference mode; the data are uploaded once. */
    Map<String, Double> evaluate(EncodedData data, int batch) {
        checkData(data, "evaluation");
        try (Resident resident = Resident.upload(be, data)) {
            return evaluate(resident, batch);
        }
    }

    /**
     * Loss (incl. penalty) and metrics over data already on the backend, in batches gathered there; loss
     * and metrics accumulate on the backend and are read once each at the end.
     */
    private Map<String, Double> evaluate(Resident data, int batch) {
        Map<String, Double> logs = new LinkedHashMap<>();
        int n = data.n();
        try (GradMode.Guard g = GradMode.noGrad();
             Tensor lossAcc = Scope.unscoped(() -> Tensor.zeros(be, 1, 1));
             Accumulators metricAcc = new Accumulators(be, model.metrics().size())) {
            for (int from = 0; from < n; from += batch) {
                int rows = Math.min(batch, n - from);
                try (Scope s = Scope.open()) {
                    Tensor xb = rows == n ? data.x() : slice(data.x(), from, rows);
                    Tensor yb = rows == n ? data.y() : slice(data.y(), from, rows);
                    ForwardContext ctx = new ForwardContext(false, false, model.seed(), 0, model.fusesSoftmax());
                    Tensor out = model.forward(xb, ctx);
                    Tensor loss = model.dataLoss(out, yb);
                    be.unary(UnaryOp.AFFINE, rows, 0f, loss, loss);
                    be.binary(BinaryOp.ADD, lossAcc, loss, lossAcc);
                    metricAcc.accumulate(model, out, yb);
                }
            }
            if (model.hasPenalty()) {
                model.addPenalty(lossAcc, n);
            }
            logs.put("loss", (double) lossAcc.item() / n);
            List<Metric> metrics = model.metrics();
            for (int i = 0; i < metrics.size(); i++) {
                Metric m = metrics.get(i);
                logs.put(m.name(), metricAcc.get(i) / (m.perElement() ? (double) n * model.outputFeatures() : n));
            }
        }
        return logs;
    }

    /** Rows [from, from + rows) of src, gathered on the backend. */
    private Tensor slice(Tensor src, int from, int rows) {
        float[] idx = new float[rows];
        for (int i = 0; i < rows; i++) {
            idx[i] = from + i;
        }
        Tensor out = Tensor.empty(be, rows, src.cols());
        be.gatherRows(src, Tensor.of(be, idx, rows, 1), out);
        return out;
    }

    /** A data set uploaded to the backend for the length of a fit or an evaluation. */
    private record Resident(Tensor x, Tensor y, int n) implements AutoCloseable {
        static Resident upload(Backend be, EncodedData d) {
            Tensor x = Scope.unscoped(() -> Tensor.of(be, d.x(), d.n(), d.features()));
            Tensor y = Scope.unscoped(() -> Tensor.of(be, d.y(), d.n(), d.targetCols()));
            return new Resident(x, y, d.n());
        }

        @Override
        public void close() {
            x.close();
            y.close();
        }
    }

    private void checkData(EncodedData d, String what) {
        if (d.features() != model.inputFeatures()) {
            int[] shape = model.inputShape();
            throw new IllegalArgumentException("the " + what + " data have " + d.features()
                    + " features but the model's input shape is " + java.util.Arrays.toString(shape)
                    + (shape.length > 1 ? " (" + model.inputFeatures() + " values per sample)" : ""));
        }
        int expected = switch (model.loss().targetKind()) {
            case SPARSE_CLASSES -> 1;
            default -> model.outputFeatures();
        };
        if (d.targetCols() != expected) {
            throw new IllegalArgumentException("the " + what + " targets have " + d.targetCols() + " columns but loss '"
                    + model.loss().name() + "' on a model with " + model.outputFeatures() + " outputs needs " + expected);
        }
        if (model.loss().targetKind() == io.myelin.loss.Loss.TargetKind.SPARSE_CLASSES) {
            // named here by the sample's index in the caller's data, not by its row in a shuffled batch
            int classes = model.outputFeatures();
            for (int i = 0; i < d.n(); i++) {
                float label = d.y()[i];
                if (!(label >= 0 && label < classes && label == Math.rint(label))) {
                    throw new IllegalArgumentException("the " + what + " targets: sample " + i + " holds " + label
                            + ", not a class index in [0, " + classes + ") (loss '" + model.loss().name()
                            + "' on a model with " + classes + " outputs)");
                }
            }
        }
        for (int i = 0; i < d.x().length; i++) {
            if (!Float.isFinite(d.x()[i])) {
                throw new IllegalArgumentException("the " + what + " data contain a non-finite value at sample "
                        + (i / d.features()) + ", feature " + (i % d.features()));
            }
        }
    }

    private void diverged(int epoch, long step, Map<String, float[]> lastGood, float value) {
        String culprit = firstNonFinite();
        model.restoreWeights(lastGood);
        throw new TrainingDivergedException("training diverged: loss became " + value + " at epoch " + (epoch + 1)
                + ", step " + step + (culprit == null ? "" : " (first non-finite values in " + culprit + ")")
                + "; weights restored to the start of epoch " + (epoch + 1)
                + ". Try a smaller learning rate, gradient clipping (clipnorm) or input normalization.");
    }

    /**
     * Whether every weight (and batch-norm statistic) is finite, checked on the backend before the epoch is
     * recorded and checkpointed: 0·x is NaN exactly where x is NaN or infinite, and one sum per tensor plus a
     * single read at the end replace a host copy of the weights (a finite loss does not imply finite weights).
     */
    /**
     * Adds {@code 0·Σw} of every named tensor to {@code acc}: exactly nothing while every weight is finite, NaN
     * as soon as one is not, so the epoch's loss read also checks the weights.
     */
    private void addWeightsCheck(Tensor acc) {
        try (Scope scope = Scope.open()) {
            for (Parameter p : model.namedTensors()) {
                Tensor w = p.value();
                Tensor zeros = Tensor.empty(be, w.rows(), w.cols());
                be.unary(UnaryOp.AFFINE, 0f, 0f, w, zeros);
                Tensor cols = Tensor.empty(be, 1, w.cols());
                be.reduce(ReduceOp.SUM, 0, zeros, cols);
                Tensor one = Tensor.empty(be, 1, 1);
                be.reduce(ReduceOp.SUM, 1, cols, one);
                be.binary(BinaryOp.ADD, acc, one, acc);
            }
        }
    }

    /** Whether every named tensor is finite (one read; only on the path that already found a non-finite loss). */
    private boolean weightsFinite() {
        try (Scope scope = Scope.open()) {
            Tensor acc = Tensor.zeros(be, 1, 1);
            addWeightsCheck(acc);
            return Double.isFinite(acc.item());
        }
    }

    private void nonFiniteWeights(int epoch, Map<String, float[]> lastGood) {
        String culprit = firstNonFinite();
        model.restoreWeights(lastGood);
        throw new TrainingDivergedException("training diverged: weights became non-finite during epoch " + (epoch + 1)
                + (culprit == null ? "" : " (first in " + culprit + ")") + " although the loss stayed finite; weights "
                + "restored to the start of epoch " + (epoch + 1) + ". Try a smaller learning rate, gradient clipping "
                + "(clipnorm) or smaller initial weights.");
    }

    private String firstNonFinite() {
        for (Parameter p : model.namedTensors()) {
            for (float v : p.value().toArray()) {
                if (!Float.isFinite(v)) {
                    return p.name();
                }
            }
        }
        return null;
    }

    /** One (1, 1) device accumulator per metric. */
    private static final class Accumulators implements AutoCloseable {
        private final Tensor[] acc;

        Accumulators(Backend be, int count) {
            acc = new Tensor[count];
            for (int i = 0; i < count; i++) {
                acc[i] = Scope.unscoped(() -> Tensor.zeros(be, 1, 1));
            }
        }

        void reset() {
            for (Tensor t : acc) {
                t.backend().fill(t, 0f);
            }
        }

        void accumulate(Sequential model, Tensor out, Tensor target) {
            List<Metric> metrics = model.metrics();
            for (int i = 0; i < acc.length; i++) {
                metrics.get(i).accumulate(out, target, model.fusesSoftmax() ? 0f : model.binaryThreshold(), acc[i]);
            }
        }

        double get(int i) {
            return acc[i].item();
        }

        @Override
        public void close() {
            for (Tensor t : acc) {
                t.close();
            }
        }
    }
}
