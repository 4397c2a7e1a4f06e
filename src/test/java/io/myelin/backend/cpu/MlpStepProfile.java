package io.myelin.backend.cpu;

import io.myelin.backend.Activation;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.OptimizerKind;
import io.myelin.backend.OptimizerUpdate;
import io.myelin.backend.ReduceOp;
import io.myelin.tensor.Tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * Where a CPU dense-MLP training step's time goes: the backend ops of one step of a 784-h1-...-10 ReLU MLP
 * with sparse softmax cross-entropy and Adam (what {@code Sequential.fit} issues per step: gather the batch,
 * per layer GEMM + bias add + ReLU, the fused loss, then per layer the ReLU derivative, bias gradient, two GEMMs,
 * and one Adam update per parameter), timed op family by op family through {@link CpuBackend}'s public API.
 * Not a test: run it by hand (docs/benchmarks.md):
 * <pre>
 *   mvn -B -q -o -DskipTests package && mvn -B -q -o test-compile
 *   java -cp target/myelin-0.1.0-SNAPSHOT-cli.jar:target/test-classes io.myelin.backend.cpu.MlpStepProfile \
 *       [batch=1024] [hidden=256,256] [reps=30]
 * </pre>
 * Prints the median milliseconds per step of each family over the repetitions (after as many warm-up steps).
 */
public final class MlpStepProfile {
    private MlpStepProfile() {
    }

    private static final String[] PHASES = {"gather batch", "gemm forward", "bias add", "relu forward",
        "softmax+CE forward", "softmax+CE backward", "relu backward", "bias gradient (col sum)", "gemm dW",
        "gemm dX", "adam (all params)"};

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int[] hidden = Arrays.stream((args.length > 1 ? args[1] : "256,256").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int rows = 60000;
        int[] width = new int[hidden.length + 2];
        width[0] = 784;
        System.arraycopy(hidden, 0, width, 1, hidden.length);
        width[width.length - 1] = 10;
        int layers = width.length - 1;
        Random r = new Random(1);
        try (CpuBackend be = new CpuBackend()) {
            System.out.println(be.description());
            Tensor data = Tensor.of(be, random(r, rows * 784, 0, 1), rows, 784);
            float[] lab = new float[batch];
            for (int i = 0; i < batch; i++) {
                lab[i] = r.nextInt(10);
            }
            Tensor labels = Tensor.of(be, lab, batch, 1);
            Tensor idx = Tensor.empty(be, batch, 1);
            Tensor[] act = new Tensor[layers + 1];   // act[0] = batch input, act[l] = relu output of layer l
            Tensor[] z = new Tensor[layers];          // pre-activations
            Tensor[] w = new Tensor[layers];
            Tensor[] b = new Tensor[layers];
            Tensor[] dw = new Tensor[layers];
            Tensor[] db = new Tensor[layers];
            Tensor[][] state = new Tensor[2 * layers][2];
            Tensor[] dz = new Tensor[layers];
            Tensor[] da = new Tensor[layers + 1];
            act[0] = Tensor.empty(be, batch, 784);
            for (int l = 0; l < layers; l++) {
                float limit = (float) Math.sqrt(6.0 / (width[l] + width[l + 1]));
                w[l] = Tensor.of(be, random(r, width[l] * width[l + 1], -limit, limit), width[l], width[l + 1]);
                b[l] = Tensor.zeros(be, 1, width[l + 1]);
                dw[l] = Tensor.empty(be, width[l], width[l + 1]);
                db[l] = Tensor.empty(be, 1, width[l + 1]);
                z[l] = Tensor.empty(be, batch, width[l + 1]);
                dz[l] = Tensor.empty(be, batch, width[l + 1]);
                act[l + 1] = l < layers - 1 ? Tensor.empty(be, batch, width[l + 1]) : null;
                da[l] = Tensor.empty(be, batch, width[l]);
                for (int p = 0; p < 2; p++) {
                    int wr = p == 0 ? width[l] : 1;
                    state[2 * l + p][0] = Tensor.zeros(be, wr, width[l + 1]);
                    state[2 * l + p][1] = Tensor.zeros(be, wr, width[l + 1]);
                }
            }
            Tensor probs = Tensor.empty(be, batch, 10);
            Tensor loss = Tensor.empty(be, batch, 1);
            double[][] t = new double[PHASES.length][reps];
            float[] perm = new float[batch];
            for (int rep = -reps; rep < reps; rep++) {
                double[] ms = new double[PHASES.length];
                for (int i = 0; i < batch; i++) {
                    perm[i] = r.nextInt(rows);
                }
                idx.set(perm);
                long t0 = System.nanoTime();
                be.gatherRows(data, idx, act[0]);
                ms[0] += lap(t0);
                for (int l = 0; l < layers; l++) {
                    t0 = System.nanoTime();
                    be.gemm(false, false, 1f, act[l], w[l], 0f, z[l]);
                    ms[1] += lap(t0);
                    t0 = System.nanoTime();
                    be.binary(BinaryOp.ADD, z[l], b[l], z[l]);
                    ms[2] += lap(t0);
                    if (l < layers - 1) {
                        t0 = System.nanoTime();
                        be.activationForward(Activation.RELU, 0f, z[l], act[l + 1]);
                        ms[3] += lap(t0);
                    }
                }
                t0 = System.nanoTime();
                be.softmaxCrossEntropy(z[layers - 1], labels, probs, loss);
                ms[4] += lap(t0);
                t0 = System.nanoTime();
                be.softmaxCrossEntropyBackward(probs, labels, 1f / batch, dz[layers - 1]);
                ms[5] += lap(t0);
                for (int l = layers - 1; l >= 0; l--) {
                    if (l < layers - 1) {
                        t0 = System.nanoTime();
                        be.activationBackward(Activation.RELU, 0f, z[l], act[l + 1], da[l + 1], dz[l]);
                        ms[6] += lap(t0);
                    }
                    t0 = System.nanoTime();
                    be.reduce(ReduceOp.SUM, 0, dz[l], db[l]);
                    ms[7] += lap(t0);
                    t0 = System.nanoTime();
                    be.gemm(true, false, 1f, act[l], dz[l], 0f, dw[l]);
                    ms[8] += lap(t0);
                    if (l > 0) {
                        t0 = System.nanoTime();
                        be.gemm(false, true, 1f, dz[l], w[l], 0f, da[l]);
                        ms[9] += lap(t0);
                    }
                }
                OptimizerUpdate u = OptimizerUpdate.builder(OptimizerKind.ADAM).lr(1e-3f).beta1(0.9f).beta2(0.999f)
                        .eps(1e-7f).biasCorrection(true).step(rep + reps + 1).build();
                t0 = System.nanoTime();
                for (int l = 0; l < layers; l++) {
                    be.optimizerUpdate(u, w[l], dw[l], state[2 * l][0], state[2 * l][1]);
                    be.optimizerUpdate(u, b[l], db[l], state[2 * l + 1][0], state[2 * l + 1][1]);
                }
                ms[10] += lap(t0);
                if (rep >= 0) {
                    for (int p = 0; p < PHASES.length; p++) {
                        t[p][rep] = ms[p];
                    }
                }
            }
            StringBuilder model = new StringBuilder();
            for (int v : width) {
                model.append(model.length() == 0 ? "" : "-").append(v);
            }
            System.out.printf("%s batch %d, median ms per step over %d steps%n", model, batch, reps);
            double total = 0;
            for (int p = 0; p < PHASES.length; p++) {
                double m = median(t[p]);
                total += m;
                System.out.printf("  %-26s %8.3f%n", PHASES[p], m);
            }
            System.out.printf("  %-26s %8.3f%n", "sum of medians", total);
        }
    }

    private static double lap(long t0) {
        return (System.nanoTime() - t0) * 1e-6;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static float[] random(Random r, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextFloat();
        }
        return v;
    }
}
