package io.myelin.bench;

import io.myelin.train.ModelSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark model without a spec file: Dense+ReLU layers of the given widths, a softmax output,
 * sparse categorical cross-entropy, Adam 1e-3 and accuracy (the same stack {@code scripts/bench_torch.py}
 * builds from Linear+ReLU).
 */
final class MlpSpec {
    private MlpSpec() {
    }

    /** {@code features -> hidden... -> classes}. */
    static ModelSpec of(int features, List<Integer> hidden, int classes) {
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int h : hidden) {
            layers.add(Map.of("type", "dense", "units", h, "activation", "relu"));
        }
        layers.add(Map.of("type", "dense", "units", classes, "activation", "softmax"));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("input_shape", List.of(features));
        root.put("layers", layers);
        root.put("loss", "sparse_categorical_crossentropy");
        root.put("optimizer", Map.of("type", "adam", "lr", 0.001));
        root.put("metrics", List.of("accuracy"));
        return ModelSpec.of(root);
    }
}
