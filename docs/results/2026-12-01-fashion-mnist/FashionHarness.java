// Trains a spec on Fashion-MNIST like `myelin train`, with the test set as validation data so every epoch
// reports test loss and accuracy. Args: SPEC SEED EPOCHS BATCH [global|zscore]. Prints per epoch:
// epoch seconds train_loss train_acc test_loss test_acc lr, then a FINAL line.
// The normalization comes from the last argument (the spec's "normalization" key is not read here).
//   javac -cp target/myelin-0.1.0-SNAPSHOT-cli.jar -d /tmp/h FashionHarness.java
//   java -cp target/myelin-0.1.0-SNAPSHOT-cli.jar:/tmp/h FashionHarness docs/examples/fashion-mlp.json 42 10 128 zscore
import io.myelin.backend.*;
import io.myelin.data.*;
import io.myelin.schedule.Schedules;
import io.myelin.train.*;
import io.myelin.train.callbacks.LearningRateScheduler;
import java.nio.file.Path;
import java.util.*;

public class FashionHarness {
    public static void main(String[] a) throws Exception {
        Path spec = Path.of(a[0]); long seed = Long.parseLong(a[1]); int epochs = Integer.parseInt(a[2]);
        int batch = Integer.parseInt(a[3]); String norm = a.length > 4 ? a[4] : "global";
        TrainTest tt = FashionMnist.load();
        Normalizer nz = switch (norm) {
            case "global" -> Normalizer.fitGlobalMinMax(tt.train());
            case "zscore" -> Normalizer.fit(Normalizer.Kind.Z_SCORE, tt.train());
            default -> throw new IllegalArgumentException(norm);
        };
        Dataset tr = nz.apply(tt.train()), te = nz.apply(tt.test());
        ModelSpec ms = ModelSpec.read(spec);
        try (Backend be = Backends.create("cpu"); Sequential net = ms.build(be, seed)) {
            DataSet train = new DataSet(tr.x(), tr.classLabelsAsFloats(), tr.n());
            DataSet test = new DataSet(te.x(), te.classLabelsAsFloats(), te.n());
            FitConfig.Builder cfg = FitConfig.builder().epochs(epochs).batchSize(batch).shuffle(true).validationData(test);
            Map<String, Object> sch = ms.lrSchedule();
            if (sch != null) {
                long steps = (long) epochs * ((train.n() + batch - 1) / batch);
                cfg.callback(new LearningRateScheduler(Schedules.fromSpec(sch, net.optimizer().baseLearningRate(), steps)));
            }
            History h = net.fit(train, cfg.build());
            for (int e = 0; e < h.epochs(); e++) {
                System.out.printf(Locale.ROOT, "%d %.2f %.4f %.4f %.4f %.4f %.6f%n", e + 1, h.get("epoch_seconds").get(e),
                        h.get("loss").get(e), h.get("accuracy").get(e), h.get("val_loss").get(e), h.get("val_accuracy").get(e), h.get("lr").get(e));
            }
            Map<String, Double> ev = net.evaluate(test);
            System.out.printf(Locale.ROOT, "FINAL seed=%d train_loss=%.4f test_acc=%.4f test_loss=%.4f%n", seed, h.last("loss"), ev.get("accuracy"), ev.get("loss"));
        }
    }
}
