import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import io.myelin.data.Dataset;
import io.myelin.data.Digits;
import io.myelin.data.TrainTest;
import io.myelin.loss.Losses;
import io.myelin.nn.Dense;
import io.myelin.nn.Dropout;
import io.myelin.optim.Adam;
import io.myelin.train.EncodedData;
import io.myelin.train.FitConfig;
import io.myelin.train.History;
import io.myelin.train.Sequential;
import java.util.List;
import java.util.Map;

/** Trains an MLP on the built-in digits (8x8 images, 10 classes) and prints its test accuracy. */
public final class QuickStart {
    public static void main(String[] args) {
        TrainTest digits = Digits.trainTest(42);                           // 1,438 train, 359 test images
        EncodedData train = encode(digits.train());
        EncodedData test = encode(digits.test());
        try (Backend backend = Backends.create("cpu");                     // or "auto" (CUDA when usable), "cuda"
             Sequential model = new Sequential(backend, 64, 42)) {          // 64 input features, seed 42
            model.add(new Dense(128, "relu"))
                 .add(new Dropout(0.2f))
                 .add(new Dense(10, "softmax"));
            model.compile(Losses.create("sparse_categorical_crossentropy"), Adam.builder().learningRate(1e-3f).build(),
                    List.of("accuracy"));
            History h = model.fit(train, FitConfig.builder().epochs(20).batchSize(32).validationSplit(0.1).build());
            Map<String, Double> metrics = model.evaluate(test);                // {loss=…, accuracy=…}
            System.out.printf("epochs %d, test accuracy %.4f%n", h.epochs(), metrics.get("accuracy"));
        }
    }

    /** Pixels 0..16 scaled to [0, 1]; targets are the class indices the sparse loss expects. */
    private static EncodedData encode(Dataset d) {
        float[] x = d.x().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] /= 16f;
        }
        return new EncodedData(x, d.classLabelsAsFloats(), d.n());
    }
}
