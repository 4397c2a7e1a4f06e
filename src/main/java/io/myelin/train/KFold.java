package io.myelin.train;

import io.myelin.random.SeededRandom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * k-fold cross-validation: shuffles once with the seed, trains a fresh model per fold on k-1 folds and
 * evaluates it on the held-out fold. {@code KFold.run(() -> buildModel(), data, 5, cfg, 42)}.
 *
 * @param folds per-fold evaluation logs (loss and metrics)
 * @param mean  the mean of each value over the folds
 */
public record KFold(List<Map<String, Double>> folds, Map<String, Double> mean) {

    public static KFold run(Supplier<Sequential> modelFactory, EncodedData data, int k, FitConfig cfg, long seed) {
        if (k < 2 || k > data.n()) {
            throw new IllegalArgumentException("k-fold needs 2 <= k <= samples (" + data.n() + "), got " + k);
        }
        int[] order = new int[data.n()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        new SeededRandom(seed, 0x4b464f4c).shuffle(order);
        List<Map<String, Double>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            int from = (int) ((long) f * data.n() / k);
            int to = (int) ((long) (f + 1) * data.n() / k);
            List<Integer> train = new ArrayList<>();
            List<Integer> test = new ArrayList<>();
            for (int i = 0; i < order.length; i++) {
                (i >= from && i < to ? test : train).add(order[i]);
            }
            try (Sequential m = modelFactory.get()) {
                m.fit(rows(data, train), cfg);
                folds.add(m.evaluate(rows(data, test)));
            }
        }
        Map<String, Double> mean = new LinkedHashMap<>();
        for (String key : folds.get(0).keySet()) {
            mean.put(key, folds.stream().mapToDouble(m -> m.get(key)).average().orElse(Double.NaN));
        }
        return new KFold(List.copyOf(folds), mean);
    }

    private static EncodedData rows(EncodedData d, List<Integer> idx) {
        int f = d.features();
        int t = d.targetCols();
        float[] x = new float[idx.size() * f];
        float[] y = new float[idx.size() * t];
        for (int i = 0; i < idx.size(); i++) {
            System.arraycopy(d.x(), idx.get(i) * f, x, i * f, f);
            System.arraycopy(d.y(), idx.get(i) * t, y, i * t, t);
        }
        return new EncodedData(x, y, idx.size());
    }
}
