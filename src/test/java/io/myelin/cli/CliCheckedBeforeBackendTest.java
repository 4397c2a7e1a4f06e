package io.myelin.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spec that does not fit its data, or a layer that cannot take its input, is refused before a backend starts:
 * the {@code error:} line comes without the {@code backend: …} line (and without the {@code data: …} line that
 * follows it), for train, lr-find, evaluate, predict and summary; the messages say what to change.
 */
class CliCheckedBeforeBackendTest {
    @TempDir
    Path tmp;

    /** Runs the CLI; asserts exit 2, one error line, no stack trace and no backend started; returns the error. */
    private static String refusedBeforeBackend(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(2, r.code(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error:")).count(), r.err());
        assertFalse(r.err().contains("backend: "), "refused before a backend started: " + r.err());
        return r.lastErrLine();
    }

    private Path spec(String name, String inputShape, String layers, String loss) throws IOException {
        return Files.writeString(tmp.resolve(name), "{\"input_shape\": " + inputShape + ", \"layers\": [" + layers
                + "], \"loss\": \"" + loss + "\"}");
    }

    private Path animals() throws IOException {
        return DataFiles.write(tmp.resolve("animals.csv"), DataFiles.animals(80, 3));
    }

    private String[] train(Path data, Path spec) {
        List<String> args = new ArrayList<>(List.of("train", "--model", spec.toString(), "--epochs", "1", "--backend",
                "cpu", "--out", tmp.resolve("run").toString()));
        if (data != null) {
            args.addAll(List.of("--data", data.toString(), "--label-column", "label"));
        }
        return args.toArray(String[]::new);
    }

    @Test
    void anInputShapeThatDoesNotFitTheCsvNamesTheFeatures() throws IOException {
        // a, b and the one-hot color (3 categories): 5 features
        Path spec = spec("wide.json", "[4]", "{\"type\": \"dense\", \"units\": 3, \"activation\": \"softmax\"}",
                "sparse_categorical_crossentropy");
        String e = refusedBeforeBackend(train(animals(), spec));
        assertEquals("error: " + spec + ": input_shape [4] takes 4 values per sample, but CSV animals.csv has 5 "
                + "features (a, b, color=blue, color=green, color=red)", e);
        assertFalse(Files.exists(tmp.resolve("run")), "nothing written");
    }

    @Test
    void imagesOfAnotherShapeAreRefusedEvenWithTheSameNumberOfValues() throws IOException {
        Path spec = spec("last.json", "[8, 8, 1]", "{\"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 1}, "
                + "{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}",
                "sparse_categorical_crossentropy");
        String e = refusedBeforeBackend(train(null, spec));
        assertEquals("error: " + spec + ": input_shape [8, 8, 1] does not match the images, which are [1, 8, 8] "
                + "(channels, height, width: PyTorch's layout)", e);
        Path big = spec("big.json", "[1, 28, 28]", "{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 10, "
                + "\"activation\": \"softmax\"}", "sparse_categorical_crossentropy");
        assertTrue(refusedBeforeBackend(train(null, big)).endsWith(": input_shape [1, 28, 28] takes 784 values per "
                + "sample, but digits (built-in, UCI optical digits 8x8) has 64 values per sample (images [1, 8, 8])"));
    }

    @Test
    void aLayerThatCannotTakeItsInputIsRefusedBeforeTheBackend() throws IOException {
        Path noFlatten = spec("conv.json", "[1, 8, 8]", "{\"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3}, "
                + "{\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}", "sparse_categorical_crossentropy");
        assertEquals("error: " + noFlatten + ": layer 1 (dense): dense needs a flat input, got (4, 6, 6): put a flatten "
                + "(or global_avgpool2d) layer before it", refusedBeforeBackend(train(null, noFlatten)));
        Path pools = spec("pools.json", "[1, 8, 8]", "{\"type\": \"maxpool2d\"}, {\"type\": \"maxpool2d\"}, "
                + "{\"type\": \"maxpool2d\"}, {\"type\": \"maxpool2d\"}, {\"type\": \"flatten\"}, "
                + "{\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}", "sparse_categorical_crossentropy");
        assertEquals("error: " + pools + ": layer 3 (maxpool2d): a 2x2 window with \"valid\" padding does not fit a 1x1 "
                + "input", refusedBeforeBackend(train(null, pools)));
        Path flatConv = spec("flat.json", "[64]", "{\"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3}, "
                + "{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}",
                "sparse_categorical_crossentropy");
        assertTrue(refusedBeforeBackend(train(null, flatConv)).contains(": layer 0 (conv2d): conv2d needs a (C, H, W) "
                + "input, got (64,)"));
        Path twice = spec("twice.json", "[64]", "{\"type\": \"dense\", \"units\": 8, \"name\": \"h\"}, "
                + "{\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\", \"name\": \"h\"}",
                "sparse_categorical_crossentropy");
        assertEquals("error: " + twice + ": layer 1 (dense): the model already has a layer named 'h'",
                refusedBeforeBackend(train(null, twice)));
        assertEquals("error: " + noFlatten + ": layer 1 (dense): dense needs a flat input, got (4, 6, 6): put a flatten "
                + "(or global_avgpool2d) layer before it", refusedBeforeBackend("summary", noFlatten.toString()));
        assertTrue(refusedBeforeBackend("lr-find", "--model", noFlatten.toString(), "--backend", "cpu", "--out",
                tmp.resolve("lr").toString()).contains("layer 1 (dense): dense needs a flat input"));
    }

    @Test
    void lossesThatDoNotFitTheClassesSayWhatToUse() throws IOException {
        Path data = animals();
        Path two = spec("two.json", "[5]", "{\"type\": \"dense\", \"units\": 2, \"activation\": \"softmax\"}",
                "sparse_categorical_crossentropy");
        assertTrue(refusedBeforeBackend(train(data, two)).endsWith("but the model has only 2 outputs (give its last "
                + "layer 3 units)"));
        Path binary = spec("binary.json", "[5]", "{\"type\": \"dense\", \"units\": 1, \"activation\": \"sigmoid\"}",
                "binary_crossentropy");
        assertEquals("error: loss 'binary_crossentropy' takes 2 classes (one output), but training data has 3 (bird, "
                + "cat, dog): for 3 classes use sparse_categorical_crossentropy with a last layer of 3 softmax units",
                refusedBeforeBackend(train(data, binary)));
        Path mse = spec("mse.json", "[5]", "{\"type\": \"dense\", \"units\": 3, \"activation\": \"softmax\"}", "mse");
        assertEquals("error: loss 'mse' on class labels needs a model with 1 output, this one has 3; for the 3 classes "
                + "of training data use sparse_categorical_crossentropy (or categorical_crossentropy)",
                refusedBeforeBackend(train(data, mse)));
    }

    @Test
    void optionsAndValuesAreCheckedFirst() throws IOException {
        assertEquals("error: unknown backend 'gpu'; known: auto, " + String.join(", ", io.myelin.backend.Backends.names()),
                refusedBeforeBackend("train", "--backend", "gpu", "--out", tmp.resolve("a").toString()));
        assertEquals("error: --validation-split must be at least 0 and below 1, got 1.5",
                refusedBeforeBackend("train", "--validation-split", "1.5", "--backend", "cpu", "--out",
                        tmp.resolve("b").toString()));
        Path lr = Files.writeString(tmp.resolve("lr.json"), "{\"input_shape\": [64], \"layers\": [{\"type\": \"dense\", "
                + "\"units\": 10, \"activation\": \"softmax\"}], \"loss\": \"sparse_categorical_crossentropy\", "
                + "\"optimizer\": {\"type\": \"adam\", \"lr\": -1}, \"lr_schedule\": \"step_decay\"}");
        assertEquals("error: " + lr + ": optimizer: lr must be a positive number, got -1.0",
                refusedBeforeBackend(train(null, lr)));
        Path decay = Files.writeString(tmp.resolve("decay.json"), Files.readString(lr).replace("-1", "0.01")
                .replace("\"step_decay\"", "{\"type\": \"step_decay\", \"factor\": -2}"));
        assertTrue(refusedBeforeBackend(train(null, decay)).startsWith("error: " + decay + ": lr_schedule (step_decay): "));
        Path huber = Files.writeString(tmp.resolve("huber.json"), Files.readString(lr).replace("-1", "0.01")
                .replace("\"sparse_categorical_crossentropy\"", "{\"type\": \"huber\", \"delta\": -1}"));
        assertTrue(refusedBeforeBackend(train(null, huber)).startsWith("error: " + huber + ": loss: "));
    }

    @Test
    void evaluateAndPredictReadTheirDataBeforeTheBackend() throws IOException {
        Path data = animals();
        Path run = tmp.resolve("trained");
        CliRunner.Result r = CliRunner.run("train", "--data", data.toString(), "--label-column", "label", "--epochs", "1",
                "--backend", "cpu", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        Path bad = Files.writeString(tmp.resolve("bad.csv"), "a,label,b,color\n1.0,cat,x2,red\n");
        for (String command : List.of("evaluate", "predict")) {
            String e = refusedBeforeBackend(command, run.toString(), "--data", bad.toString(), "--backend", "cpu");
            assertTrue(e.startsWith("error: file " + bad + ", row 1 (line 2), column 'b'"), e);
            assertTrue(refusedBeforeBackend(command, run.toString(), "--backend", "gpu").contains("unknown backend"));
            assertTrue(refusedBeforeBackend(command, tmp.resolve("none").toString(), "--backend", "cpu")
                    .contains("no such run directory"));
        }
    }
}
