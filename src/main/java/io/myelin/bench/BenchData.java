package io.myelin.bench;

import io.myelin.data.Dataset;
import io.myelin.data.FashionMnist;
import io.myelin.data.Normalizer;
import io.myelin.data.TrainTest;
import io.myelin.random.SeededRandom;
import io.myelin.train.EncodedData;

/**
 * Training (and test) arrays for a benchmark, already in memory as the model consumes them: inputs as
 * float32 and class indices as one column, as the sparse cross-entropy wants. Fashion-MNIST pixels are
 * divided by 255 (global min-max over the training set, which is 0..255); synthetic inputs are uniform
 * in [0, 1) with uniform random labels (their values do not change the cost of a dense step).
 *
 * <pre>{@code
 * BenchData d = BenchData.synthetic(4096, 784, 10, 42);
 * }</pre>
 *
 * @param test null for synthetic data
 */
public record BenchData(String name, EncodedData train, EncodedData test, int classes) {
    /** Stream id of the synthetic-data generator (init streams are the layer indices). */
    private static final int SYNTHETIC_STREAM = 2_000_003;

    public static BenchData fashionMnist() {
        TrainTest tt = FashionMnist.load();
        Normalizer norm = Normalizer.fitGlobalMinMax(tt.train());
        return new BenchData(BenchConfig.FASHION_MNIST, encode(norm.apply(tt.train())), encode(norm.apply(tt.test())),
                tt.train().numClasses());
    }

    public static BenchData synthetic(int n, int features, int classes, long seed) {
        SeededRandom r = new SeededRandom(seed, SYNTHETIC_STREAM);
        float[] x = new float[Math.multiplyExact(n, features)];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
        }
        return new BenchData(BenchConfig.SYNTHETIC, new EncodedData(x, y, n), null, classes);
    }

    public int features() {
        return train.features();
    }

    private static EncodedData encode(Dataset d) {
        return new EncodedData(d.x(), d.classLabelsAsFloats(), d.n());
    }
}
