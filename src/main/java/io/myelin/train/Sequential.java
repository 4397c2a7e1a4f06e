package io.myelin.train;

import io.myelin.autograd.GradMode;
import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.UnaryOp;
import io.myelin.loss.CrossEntropy;
import io.myelin.loss.Loss;
import io.myelin.nn.ForwardContext;
import io.myelin.nn.Layer;
import io.myelin.nn.Parameter;
import io.myelin.nn.Shapes;
import io.myelin.ops.Reductions;
import io.myelin.optim.Optimizer;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stack of layers trained as one model, Keras style.
 *
 * <pre>{@code
 * try (Sequential m = new Sequential(backend, 64, 42)) {
 *     m.add(new Dense(128, "relu")).add(new Dense(10, "softmax"));
 *     m.compile(Losses.create("sparse_categorical_crossentropy"), Adam.builder().learningRate(1e-3f).build(),
 *             List.of("accuracy"));
 *     History h = m.fit(train, FitConfig.builder().epochs(10).build());
 * }
 * }</pre>
 * Layers are built (parameters allocated and initialized from the seed) as they are added.
 */
public final class Sequential implements AutoCloseable {
    private final Backend backend;
    private final int inputFeatures;
    private final int[] inputShape;
    private final long seed;
    private final List<Layer> layers = new ArrayList<>();
    private Loss loss;
    /** True when add() or pop() changed the layers after compile(): fit and evaluate then ask for compile again. */
    private boolean changedSinceCompile;
    private Optimizer optimizer;
    private List<Metric> metrics = List.of();
    private long globalStep;
    private ResumeState resumeState;

    public Sequential(Backend backend, int inputFeatures, long seed) {
        this(backend, new int[] {inputFeatures}, seed);
    }

    /**
     * A model for samples of shape {@code [features]} or channels-first images {@code [C, H, W]} (each sample
     * still one row of {@code C*H*W} floats).
     */
    public Sequential(Backend backend, int[] inputShape, long seed) {
        if (inputShape.length != 1 && inputShape.length != 3) {
            throw new IllegalArgumentException("the input shape must be [features] or [C, H, W], got "
                    + java.util.Arrays.toString(inputShape));
        }
        for (int d : inputShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("input shape dimensions must be positive, got "
                        + java.util.Arrays.toString(inputShape));
            }
        }
        this.backend = backend;
        this.inputShape = inputShape.clone();
        this.inputFeatures = Shapes.product(inputShape);
        this.seed = seed;
    }

    public Backend backend() {
        return backend;
    }

    public long seed() {
        return seed;
    }

    public int inputFeatures() {
        return inputFeatures;
    }

    public int outputFeatures() {
        return layers.isEmpty() ? inputFeatures : layers.get(layers.size() - 1).outputFeatures();
    }

    /** The per-sample input shape: {@code [features]} or {@code [C, H, W]}. */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** The per-sample output shape of the last layer (the input shape when there is none). */
    public int[] outputShape() {
        return layers.isEmpty() ? inputShape.clone() : layers.get(layers.size() - 1).outputShape();
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** Appends and builds a layer, naming it {@code <type>_<k>} (k counted per type from 0) if unnamed. */
    public Sequential add(Layer layer) {
        if (layer.name() == null) {
            int k = 0;
            for (Layer l : layers) {
                if (l.type().equals(layer.type())) {
                    k++;
                }
            }
            String candidate = layer.type() + "_" + k;
            while (findLayer(candidate) != null) {
                candidate = layer.type() + "_" + (++k);
            }
            layer.setName(candidate);
        } else if (findLayer(layer.name()) != null) {
            throw new IllegalArgumentException("the model already has a layer named '" + layer.name() + "'");
        }
        layer.build(backend, outputShape(), seed, layers.size());
        layers.add(layer);
        changedSinceCompile = loss != null;
        return this;
    }

    /** Removes and closes the last layer (to put a new head on a loaded model). */
    public Layer pop() {
        if (layers.isEmpty()) {
            throw new IllegalStateException("the model has no layers to remove");
        }
        Layer l = layers.remove(layers.size() - 1);
        l.close();
        changedSinceCompile = loss != null;
        return l;
    }

    public Layer findLayer(String name) {
        for (Layer l : layers) {
            if (name.equals(l.name())) {
                return l;
            }
        }
        return null;
    }

    /** Sets loss, optimizer and metric names ("accuracy", "mae", "mse"). */
    public Sequential compile(Loss loss, Optimizer optimizer, List<String> metricNames) {
        if (layers.isEmpty()) {
            throw new IllegalStateException("add layers before compile()");
        }
        this.loss = loss;
        this.optimizer = optimizer;
        List<Metric> ms = new ArrayList<>();
        for (String m : metricNames) {
            ms.add(Metric.parse(m, loss));
        }
        this.metrics = List.copyOf(ms);
        changedSinceCompile = false;
        return this;
    }

    public Loss loss() {
        return loss;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    /** Trainable parameters followed by nothing else (buffers excluded), in layer order. */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Layer l : layers) {
            out.addAll(l.parameters());
        }
        return out;
    }

    /** Every named tensor saved in model files: parameters and buffers, in layer order. */
    public List<Parameter> namedTensors() {
        List<Parameter> out = new ArrayList<>();
        for (Layer l : layers) {
            out.addAll(l.parameters());
            out.addAll(l.buffers());
        }
        return out;
    }

    /** Training steps taken so far (keys dropout masks; saved for resuming). */
    public long globalStep() {
        return globalStep;
    }

    public void setGlobalStep(long step) {
        this.globalStep = step;
    }

    void advanceStep() {
        globalStep++;
    }

    /**
     * Where training stands after the last completed epoch of {@link #fit} (or as loaded from a checkpoint);
     * null before any. {@code io.myelin.saving.Checkpoints} saves it with the weights and optimizer state:
     * <pre>{@code
     * model.fit(train, cfg); Checkpoints.save(model, dir);
     * // later, on a model built from the same spec and seed:
     * ResumeState s = Checkpoints.load(fresh, dir);
     * fresh.fit(train, FitConfig.builder().epochs(20).resumeFrom(s).build());
     * }</pre>
     */
    public ResumeState resumeState() {
        return resumeState;
    }

    public void setResumeState(ResumeState state) {
        this.resumeState = state;
    }

    /** True when the loss consumes logits through the fused softmax-cross-entropy. */
    boolean fusesSoftmax() {
        return loss instanceof CrossEntropy && !layers.isEmpty() && layers.get(layers.size() - 1).endsWithSoftmax();
    }

    /** Runs every layer; only the last may skip its softmax. */
    public Tensor forward(Tensor x, ForwardContext ctx) {
        if (x.cols() != inputFeatures) {
            throw new IllegalArgumentException("the model expects " + inputFeatures + " input features, got "
                    + x.describe());
        }
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            boolean last = i == layers.size() - 1;
            h = layers.get(i).forward(h, last ? ctx : ctx.withSkipFinalSoftmax(false));
        }
        return h;
    }

    /** Scalar batch loss (data term only); with fusion the output passed is the logits. */
    Tensor dataLoss(Tensor output, Tensor target) {
        return fusesSoftmax() ? ((CrossEntropy) loss).fromLogits(output, target) : loss.compute(output, target);
    }

    /** Threshold binary accuracy uses on this model's outputs. */
    float binaryThreshold() {
        return loss != null && loss.name().endsWith("from_logits") ? 0f : 0.5f;
    }

    /**
     * Predictions (n, outputs) in inference mode, softmax applied; {@code x} is (n, inputFeatures) row-major,
     * and any other length is an {@link IllegalArgumentException} naming both.
     */
    public float[] predict(float[] x, int n) {
        return predictPass(x, n, ForwardContext.inference());
    }

    private float[] predictPass(float[] x, int n, ForwardContext ctx) {
        if (n < 0 || x.length != (long) n * inputFeatures) {
            throw new IllegalArgumentException("predict: x has " + x.length + " values, but " + n + " rows of "
                    + inputFeatures + " input features need " + ((long) n * inputFeatures));
        }
        int out = outputFeatures();
        float[] result = new float[n * out];
        int batch = 1024;
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (int from = 0; from < n; from += batch) {
                int rows = Math.min(batch, n - from);
                try (Scope s = Scope.open()) {
                    float[] chunk = java.util.Arrays.copyOfRange(x, from * inputFeatures, (from + rows) * inputFeatures);
                    Tensor y = forward(Tensor.of(backend, chunk, rows, inputFeatures), ctx);
                    float[] part = y.toArray();
                    System.arraycopy(part, 0, result, from * out, part.length);
                }
            }
        }
        return result;
    }

    /**
     * Monte-Carlo dropout: {@code passes} stochastic forward passes with dropout active (batch norm in
     * inference mode); returns {mean, std} per output, each (n, outputs).
     */
    public float[][] predictMonteCarlo(float[] x, int n, int passes) {
        if (passes < 2) {
            throw new IllegalArgumentException("MC dropout needs at least 2 passes, got " + passes);
        }
        double[] sum = null;
        double[] sumSq = null;
        for (int p = 0; p < passes; p++) {
            float[] y = predictPass(x, n, new ForwardContext(false, true, seed ^ 0x4d43L, p, false));
            if (sum == null) {
                sum = new double[y.length];
                sumSq = new double[y.length];
            }
            for (int i = 0; i < y.length; i++) {
                sum[i] += y[i];
                sumSq[i] += (double) y[i] * y[i];
            }
        }
        float[] mean = new float[sum.length];
        float[] std = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            double m = sum[i] / passes;
            mean[i] = (float) m;
            std[i] = (float) Math.sqrt(Math.max(0, sumSq[i] / passes - m * m));
        }
        return new float[][] {mean, std};
    }

    /** Loss and metrics over a dataset in inference mode: keys {@code loss} and each metric name. */
    public Map<String, Double> evaluate(EncodedData data) {
        requireCompiled();
        return new FitLoop(this).evaluate(data, 1024);
    }

    /** Trains on {@code train} and returns the per-epoch history. */
    public History fit(EncodedData train, FitConfig config) {
        requireCompiled();
        return new FitLoop(this).fit(train, config);
    }

    private void requireCompiled() {
        if (loss == null) {
            throw new IllegalStateException("call compile(loss, optimizer, metrics) before fit/evaluate");
        }
        if (changedSinceCompile) {
            // the loss, its softmax fusion and the metrics were chosen for the layers there were then
            throw new IllegalStateException("layers were added or removed after compile(): call compile(loss, "
                    + "optimizer, metrics) again before fit/evaluate");
        }
    }

    /** Sum of the L1/L2 penalties {@code l1*sum|W| + l2*sum W^2} over regularized parameters (downloads). */
    public double penalty() {
        double total = 0;
        for (Parameter p : parameters()) {
            if (p.l1() == 0 && p.l2() == 0) {
                continue;
            }
            double a = 0;
            double s = 0;
            for (float w : p.value().toArray()) {
                a += Math.abs(w);
                s += (double) w * w;
            }
            total += p.l1() * a + p.l2() * s;
        }
        return total;
    }

    /**
     * {@code acc += weight * penalty()} computed on the backend, with no read back: the training loop's way
     * to include the penalty in its loss without a device sync per step.
     */
    void addPenalty(Tensor acc, float weight) {
        Backend be = acc.backend();
        try (Scope s = Scope.open()) {
            for (Parameter p : parameters()) {
                if (p.l1() == 0 && p.l2() == 0) {
                    continue;
                }
                Tensor w = p.value();
                Tensor t = w.emptyLike();
                if (p.l1() != 0) {
                    be.unary(UnaryOp.ABS, 0, 0, w, t);
                    addScaledSum(be, t, weight * p.l1(), acc);
                }
                if (p.l2() != 0) {
                    be.unary(UnaryOp.SQUARE, 0, 0, w, t);
                    addScaledSum(be, t, weight * p.l2(), acc);
                }
            }
        }
    }

    private static void addScaledSum(Backend be, Tensor t, float scale, Tensor acc) {
        Tensor sum = Reductions.sumAll(t);
        be.unary(UnaryOp.AFFINE, scale, 0f, sum, sum);
        be.binary(BinaryOp.ADD, acc, sum, acc);
    }

    boolean hasPenalty() {
        for (Parameter p : parameters()) {
            if (p.l1() != 0 || p.l2() != 0) {
                return true;
            }
        }
        return false;
    }

    /** Host copies of every named tensor, by name (the last good weights of an epoch, early stopping's best). */
    public Map<String, float[]> weightsSnapshot() {
        Map<String, float[]> m = new HashMap<>();
        for (Parameter p : namedTensors()) {
            m.put(p.name(), p.value().toArray());
        }
        return m;
    }

    /** Copies back the tensors of a {@link #weightsSnapshot()}; tensors it does not name keep their values. */
    public void restoreWeights(Map<String, float[]> snapshot) {
        for (Parameter p : namedTensors()) {
            float[] v = snapshot.get(p.name());
            if (v != null) {
                p.value().set(v);
            }
        }
    }

    /** Keras-like table of layers, output shapes and parameter counts. */
    public String summary() {
        return ModelSummary.render(this);
    }

    /**
     * The model in one line, with the counts of {@link #summary()}: {@code 784 -> 256 -> 128 -> 10, 235914
     * parameters (235146 trainable)}; the shape after each layer that changes it (images as {@code (1, 28,
     * 28)}); parameters counts every value saved in the weights file (batch norm's running statistics and
     * frozen layers included), trainable those training changes.
     */
    public String summaryLine() {
        return ModelSummary.oneLine(this);
    }

    /** Every value saved in the weights file: parameters and buffers (summary's "Total params"). */
    public long parameterCount() {
        return layers.stream().mapToLong(ModelSummary::total).sum();
    }

    /** The values training changes: parameters of trainable layers (summary's "Trainable params"). */
    public long trainableParameterCount() {
        return layers.stream().mapToLong(ModelSummary::trainable).sum();
    }

    @Override
    public void close() {
        for (Layer l : layers) {
            l.close();
        }
        layers.clear();
    }
}
