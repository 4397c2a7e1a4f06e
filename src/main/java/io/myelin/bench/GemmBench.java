package io.myelin.bench;

import io.myelin.backend.cpu.CpuBackend;
import io.myelin.backend.cpu.GemmProviders;
import io.myelin.random.SeededRandom;
import io.myelin.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GEMM throughput through {@link CpuBackend#gemm} for every available provider (native, java, ejml) at
 * the shapes of a small MLP step and one large square product. Each measurement warms up, then takes the
 * median over repeats of a timed batch of calls (each batch at least ~100 ms). Prints exactly one line
 * per provider and shape on stdout, {@code GFLOPS <provider> <m>x<k>x<n> <value>}; details go to stderr.
 *
 * <pre>
 * java -cp target/myelin-0.1.0-SNAPSHOT-cli.jar io.myelin.bench.GemmBench [provider ...]
 * </pre>
 */
public final class GemmBench {
    /** m x k x n: (batch x in) * (in x out) of a 784-256-128 MLP, its transposed use, and 1024^3. */
    private static final int[][] SHAPES = {{128, 784, 256}, {128, 256, 128}, {784, 128, 256}, {1024, 1024, 1024}};
    private static final int REPEATS = 7;
    private static final long MIN_BATCH_NANOS = 100_000_000L;
    private static final long WARMUP_NANOS = 500_000_000L;

    private GemmBench() {
    }

    public static void main(String[] args) {
        List<String> providers = args.length > 0 ? Arrays.asList(args) : GemmProviders.available();
        String nativeWhy = GemmProviders.nativeUnavailableReason();
        if (nativeWhy != null) {
            System.err.println("native BLAS not measured: " + nativeWhy);
        }
        for (String p : providers) {
            try (CpuBackend backend = new CpuBackend(GemmProviders.byName(p))) {
                System.err.println("# " + p + ": " + backend.description());
                for (int[] s : SHAPES) {
                    double gflops = measure(backend, s[0], s[1], s[2]);
                    System.out.printf("GFLOPS %s %dx%dx%d %.1f%n", p, s[0], s[1], s[2], gflops);
                }
            }
        }
    }

    /** Median GFLOPS of {@code c = a * b} with a (m, k), b (k, n). */
    static double measure(CpuBackend backend, int m, int k, int n) {
        try (Tensor a = Tensor.of(backend, random(m * k, 1), m, k);
             Tensor b = Tensor.of(backend, random(k * n, 2), k, n);
             Tensor c = Tensor.zeros(backend, m, n)) {
            double flops = 2.0 * m * n * k;
            long start = System.nanoTime();
            int calls = 0;
            while (System.nanoTime() - start < WARMUP_NANOS || calls < 3) {
                backend.gemm(false, false, 1f, a, b, 0f, c);
                calls++;
            }
            double perCall = (System.nanoTime() - start) / (double) calls;
            int batch = (int) Math.max(1, Math.ceil(MIN_BATCH_NANOS / perCall));
            List<Double> samples = new ArrayList<>();
            for (int r = 0; r < REPEATS; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < batch; i++) {
                    backend.gemm(false, false, 1f, a, b, 0f, c);
                }
                long dt = System.nanoTime() - t0;
                samples.add(flops * batch / dt);   // flops per ns = GFLOPS
            }
            samples.sort(null);
            return samples.get(samples.size() / 2);
        }
    }

    private static float[] random(int size, int stream) {
        SeededRandom r = new SeededRandom(42, stream);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = r.nextFloat() - 0.5f;
        }
        return v;
    }
}
