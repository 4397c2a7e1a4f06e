package io.myelin.train;

import io.myelin.backend.Backend;
import io.myelin.data.DataException;
import io.myelin.data.Dataset;
import io.myelin.data.FashionMnist;
import io.myelin.loss.Losses;
import io.myelin.nn.ActivationLayer;
import io.myelin.nn.BatchNormalization;
import io.myelin.nn.Dense;
import io.myelin.nn.Dropout;
import io.myelin.nn.Layer;
import io.myelin.optim.Adam;
import io.myelin.random.SeededRandom;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import io.myelin.testing.UseBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole-model parity: the Fashion-MNIST MLP 784-256-128-10 (Adam 1e-3, batch 128), and one with batch norm
 * and dropout, trained {@value #STEPS} steps on the CPU and on CUDA from the same initial weights and the
 * same batches: every step's loss and the final weights must agree within float32 tolerances, and every
 * dropout mask the run used must be bit-identical. Uses real Fashion-MNIST where it is installed (Debian's
 * dataset-fashion-mnist, or MYELIN_DATA), else a seeded synthetic set of the same shape, and says which.
 *
 * <p>Tolerances. The two backends compute the same float32 operations in different orders (GEMM blocking,
 * tree reductions on the device, libdevice versus Java math for exp/log/erf, fma contraction), so a step's
 * loss differs by a few float32 roundings (2^-24 = 6e-8 relative each): about 1e-7 at the first steps here.
 * Training feeds differences back, and how much they grow is a property of the trajectory, not of the
 * backend: nudging every 7th first-layer weight by one ulp on the CPU alone moves these two nets' losses
 * by at most 3e-6 and 4e-7 over {@value #STEPS} steps. CPU against emulated CUDA measured 3.3e-6 (loss,
 * relative) and 1.1e-5 (weights, absolute) for the plain MLP, 6e-7 and 7e-6 for the other. The bounds,
 * {@value #LOSS_RTOL} relative for every step's loss and {@value #WEIGHT_ATOL} absolute for every final weight
 * (weights are O(0.1); Adam moves each by at most lr = 1e-3 per step), leave a factor of about 20 for a real
 * GPU's other summation orders, and are 10 to 100 times smaller than what a wrong kernel does (a wrong
 * gradient term or a reordered batch changes the loss in the third digit within a few steps).
 */
class WholeModelParityTest {
    static final int STEPS = 300;
    static final int BATCH = 128;
    static final double LOSS_RTOL = 1e-4;
    static final double WEIGHT_ATOL = 2e-4;
    private static final long SEED = 2024;

    record Net(String name, Consumer<Sequential> layers) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Net> nets() {
        return Stream.of(
                new Net("mlp 784-256-128-10", m -> m.add(new Dense(256, "relu")).add(new Dense(128, "relu"))
                        .add(new Dense(10, "softmax"))),
                // No bias before batch norm (it cancels there: its true gradient is 0, and Adam's g/sqrt(v) would
                // move it by +-lr per step in the direction of rounding noise). tanh, not relu: with batch norm a
                // relu kink crossed by rounding makes the trajectory chaotic; on the CPU alone, nudging every 7th
                // first-layer weight by one ulp changes the relu version's loss by 6.5% at step 300 (0.00004% with
                // tanh), so no backend could match it step for step.
                new Net("mlp with batch norm and dropout", m -> m.add(new Dense(256).useBias(false))
                        .add(new BatchNormalization())
                        .add(new ActivationLayer("tanh")).add(new Dropout(0.2f)).add(new Dense(128, "tanh"))
                        .add(new Dropout(0.3f)).add(new Dense(10, "softmax"))));
    }

    /** What one run produced: the initial weights, every step's loss, the final weights. */
    record Run(Map<String, float[]> init, double[] losses, Map<String, float[]> last) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void cpuAndCudaTrainTheSameFromTheSameWeights(Net net, @UseBackend("cpu") Backend cpu,
                                                  @UseBackend("cuda") Backend cuda) {
        EncodedData data = data();
        Run onCpu = train(cpu, net, data, null);
        Run onCuda = train(cuda, net, data, onCpu.init());
        double worstLoss = 0;
        int worstStep = -1;
        for (int s = 0; s < STEPS; s++) {
            double a = onCpu.losses()[s];
            double b = onCuda.losses()[s];
            assertTrue(Double.isFinite(a) && Double.isFinite(b), net + ": step " + s + " losses " + a + ", " + b);
            double rel = Math.abs(a - b) / Math.max(Math.abs(a), 1e-6);
            if (rel > worstLoss) {
                worstLoss = rel;
                worstStep = s;
            }
        }
        double worstWeight = 0;
        String worstName = "";
        for (Map.Entry<String, float[]> e : onCpu.last().entrySet()) {
            float[] a = e.getValue();
            float[] b = onCuda.last().get(e.getKey());
            assertEquals(a.length, b.length, e.getKey());
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs((double) a[i] - b[i]);
                if (!(d <= worstWeight)) {
                    worstWeight = d;
                    worstName = e.getKey() + "[" + i + "]";
                }
            }
        }
        int masks = compareDropoutMasks(cpu, cuda, net);
        System.out.printf("parity %s (%s, %s): %d steps, loss %.4f -> %.4f; max relative loss difference %.3g"
                        + " (step %d, bound %.0e); max weight difference %.3g (%s, bound %.0e); %d dropout masks"
                        + " bit-identical%n", net, dataSource, cuda.description(),
                STEPS, onCpu.losses()[0], onCpu.losses()[STEPS - 1], worstLoss, worstStep, LOSS_RTOL, worstWeight,
                worstName, WEIGHT_ATOL, masks);
        assertTrue(onCpu.losses()[STEPS - 1] < onCpu.losses()[0] * 0.7, net + " learned: "
                + onCpu.losses()[0] + " -> " + onCpu.losses()[STEPS - 1]);
        assertTrue(worstLoss <= LOSS_RTOL, net + ": step " + worstStep + " loss cpu " + onCpu.losses()[worstStep]
                + " vs cuda " + onCuda.losses()[worstStep] + " (relative " + worstLoss + " > " + LOSS_RTOL + ")");
        assertTrue(worstWeight <= WEIGHT_ATOL, net + ": final weight " + worstName + " differs by " + worstWeight
                + " > " + WEIGHT_ATOL);
    }

    private static Run train(Backend be, Net net, EncodedData data, Map<String, float[]> init) {
        try (Sequential m = new Sequential(be, 784, SEED)) {
            net.layers().accept(m);
            m.compile(Losses.create("sparse_categorical_crossentropy"), Adam.builder().learningRate(1e-3f).build(),
                    List.of());
            if (init != null) {
                m.restoreWeights(init);
            }
            Map<String, float[]> start = m.weightsSnapshot();
            List<Double> losses = new ArrayList<>();
            Callback perStep = new Callback() {
                @Override
                public void onTrainBegin(TrainingState state) {
                    state.wantStepLoss();   // read each step's loss (a sync per step: fine in a test)
                }

                @Override
                public void onBatchEnd(TrainingState state, long step) {
                    losses.add(state.lastStepLoss());
                }
            };
            m.fit(data, FitConfig.builder().epochs(1).batchSize(BATCH).shuffle(true).callback(perStep).build());
            assertEquals(STEPS, losses.size(), "steps on " + be.name());
            return new Run(start, losses.stream().mapToDouble(Double::doubleValue).toArray(), m.weightsSnapshot());
        }
    }

    /** The masks every dropout layer drew in the run (seed, layer stream, step), on both backends. */
    private static int compareDropoutMasks(Backend cpu, Backend cuda, Net net) {
        int count = 0;
        try (Sequential shape = new Sequential(cpu, 784, SEED)) {
            net.layers().accept(shape);
            List<Layer> layers = shape.layers();
            int width = 784;
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                if (l instanceof Dense d) {
                    width = d.units();
                }
                if (!(l instanceof Dropout drop)) {
                    continue;
                }
                for (int step = 0; step < STEPS; step++) {
                    try (Scope s = Scope.open()) {
                        Tensor a = Tensor.empty(cpu, BATCH, width);
                        Tensor b = Tensor.empty(cuda, BATCH, width);
                        cpu.dropoutMask(SEED, i, step, 1f - drop.rate(), a);
                        cuda.dropoutMask(SEED, i, step, 1f - drop.rate(), b);
                        assertArrayEquals(a.toArray(), b.toArray(), net + ": dropout mask of layer " + i + " at step " + step);
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static String dataSource = "";

    /** {@value #STEPS} batches of Fashion-MNIST training images scaled to [0, 1], or the synthetic stand-in. */
    static synchronized EncodedData data() {
        int n = STEPS * BATCH;
        try {
            Dataset train = FashionMnist.load().train();
            float[] x = Arrays.copyOf(train.x(), n * 784);
            for (int i = 0; i < x.length; i++) {
                x[i] /= 255f;
            }
            dataSource = "Fashion-MNIST from " + FashionMnist.locate();
            return new EncodedData(x, Arrays.copyOf(train.classLabelsAsFloats(), n), n);
        } catch (DataException missing) {
            dataSource = "synthetic 784-feature data (Fashion-MNIST not installed: " + missing.getMessage() + ")";
            SeededRandom r = new SeededRandom(SEED, 3);
            float[][] means = new float[10][784];
            for (float[] mean : means) {
                for (int j = 0; j < 784; j++) {
                    mean[j] = (float) Math.max(0, r.nextGaussian() * 0.5);
                }
            }
            float[] x = new float[n * 784];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                int c = r.nextInt(10);
                y[i] = c;
                for (int j = 0; j < 784; j++) {
                    x[i * 784 + j] = (float) Math.min(1, Math.max(0, means[c][j] + r.nextGaussian() * 0.3));
                }
            }
            return new EncodedData(x, y, n);
        }
    }
}
