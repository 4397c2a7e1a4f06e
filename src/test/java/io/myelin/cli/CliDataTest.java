package io.myelin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static io.myelin.cli.CliRunner.run;
import static io.myelin.cli.CliTest.assertUserError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data path of train, evaluate and lr-find on a user's own CSV files: columns, classes, splits, options. */
class CliDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static CliRunner.Result ok(String... args) {
        CliRunner.Result r = run(args);
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
        return r;
    }

    static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    private Path animals() throws IOException {
        return DataFiles.write(tmp.resolve("animals.csv"), DataFiles.animals(200, 1));
    }

    @Test
    void theLabelColumnInTheMiddleIsTheLabelAndTheOthersAreFeatures() throws IOException {
        Path data = animals();
        Path out = tmp.resolve("run");
        CliRunner.Result r = ok("train", "--data", data.toString(), "--label-column", "label", "--epochs", "25",
                "--backend", "cpu", "--out", out.toString());
        JsonNode model = json(out.resolve("model.json"));
        assertEquals(List.of("bird", "cat", "dog"), JSON.convertValue(model.get("classes"), List.class));
        assertEquals("label", model.get("columns").get("label").asText());
        assertEquals(5, model.get("spec").get("input_shape").get(0).asInt(), "a, b and three colors one-hot");
        assertEquals("categorical", model.get("columns").get("features").get(2).get("type").asText());
        assertEquals(List.of("blue", "green", "red"),
                JSON.convertValue(model.get("columns").get("features").get(2).get("categories"), List.class));
        double acc = json(out.resolve("metrics.json")).get("test_accuracy").asDouble();
        assertTrue(acc > 0.75 && acc < 1.0, "a and b decide the label (no leak from the label column): " + acc);
        assertTrue(r.err().startsWith("task: classification (inferred: 3 class names; use --task to choose)"), r.err());
    }

    @Test
    void aLabelColumnThatDoesNotExistIsAnErrorInEveryCommand() throws IOException {
        Path data = animals();
        Path never = tmp.resolve("never");
        String columns = "no label column 'price' (columns: a, label, b, color)";
        assertUserError(columns, "train", "--data", data.toString(), "--label-column", "price", "--out", never.toString());
        assertUserError(columns, "lr-find", "--data", data.toString(), "--label-column", "price", "--out", never.toString());
        assertFalse(Files.exists(never));
        Path out = tmp.resolve("run");
        ok("train", "--data", data.toString(), "--label-column", "label", "--epochs", "1", "--backend", "cpu",
                "--out", out.toString());
        assertUserError(columns, "evaluate", out.toString(), "--data", data.toString(), "--label-column", "price",
                "--backend", "cpu");
        ok("lr-find", "--data", data.toString(), "--label-column", "label", "--steps", "8", "--backend", "cpu",
                "--out", tmp.resolve("lr").toString());
    }

    @Test
    void evaluateMapsLabelsThroughTheSavedClassesSoATestFileMissingAClassKeepsItsAccuracy() throws IOException {
        List<DataFiles.Animal> rows = DataFiles.animals(250, 2);
        Path train = DataFiles.write(tmp.resolve("train.csv"), rows.subList(0, 200));
        Path test = DataFiles.write(tmp.resolve("test.csv"), rows.subList(200, 250));
        Path noBirds = DataFiles.write(tmp.resolve("nobirds.csv"), rows.subList(200, 250), true, a -> !a.label().equals("bird"));
        Path out = tmp.resolve("run");
        ok("train", "--data", train.toString(), "--test-data", test.toString(), "--label-column", "label",
                "--epochs", "20", "--backend", "cpu", "--out", out.toString());
        CliRunner.Result p = ok("predict", out.toString(), "--data", noBirds.toString(), "--backend", "cpu");
        List<String> lines = p.out().strip().lines().toList();
        int correct = 0;
        List<DataFiles.Animal> kept = rows.subList(200, 250).stream().filter(a -> !a.label().equals("bird")).toList();
        for (int i = 0; i < kept.size(); i++) {
            correct += lines.get(i + 1).split(",")[1].equals(kept.get(i).label()) ? 1 : 0;
        }
        double expected = (double) correct / kept.size();
        CliRunner.Result ev = ok("evaluate", out.toString(), "--data", noBirds.toString(), "--backend", "cpu");
        assertTrue(ev.out().contains(String.format(Locale.ROOT, "test accuracy: %.4f", expected)),
                ev.out() + " vs predict's " + expected);
        assertTrue(expected > 0.6, "the classes line up: " + expected);

        String bad = Files.readString(test).replaceFirst("\n([^,\n]*),(bird|cat|dog),", "\n$1,fish,");
        Path fish = Files.writeString(tmp.resolve("fish.csv"), bad);
        assertUserError("fish.csv, row 1 (line 2), column 'label': label 'fish' is not one of the 3 classes the model "
                + "was trained on (bird, cat, dog)", "evaluate", out.toString(), "--data", fish.toString(), "--backend", "cpu");
    }

    @Test
    void evaluateAndPredictDefaultToTheDataTheRunWasTrainedOn() throws IOException {
        Path data = animals();
        Path out = tmp.resolve("run");
        ok("train", "--data", data.toString(), "--label-column", "label", "--epochs", "5", "--backend", "cpu",
                "--out", out.toString());
        double acc = json(out.resolve("metrics.json")).get("test_accuracy").asDouble();
        CliRunner.Result ev = ok("evaluate", out.toString(), "--backend", "cpu");
        assertTrue(ev.out().contains(String.format(Locale.ROOT, "test accuracy: %.4f", acc)), ev.out() + " vs " + acc);
        assertUserError("was trained on 5 input features (data: " + data.toAbsolutePath().normalize() + "), but digits",
                "evaluate", out.toString(), "--data", "digits", "--backend", "cpu");
        List<String> lines = ok("predict", out.toString(), "--backend", "cpu").out().strip().lines().toList();
        assertEquals(41, lines.size(), "header and the 40 held-out rows");
        int previous = 0;
        for (String line : lines.subList(1, lines.size())) {
            int row = Integer.parseInt(line.split(",")[0]);
            assertTrue(row > previous && row <= 200, "rows of the file, in file order: " + lines);
            previous = row;
        }

        Path all = tmp.resolve("all");
        CliRunner.Result r = ok("train", "--data", data.toString(), "--label-column", "label", "--test-split", "0",
                "--epochs", "2", "--backend", "cpu", "--out", all.toString());
        assertUserError("trained on every row of", "evaluate", all.toString(), "--backend", "cpu");
        assertTrue(r.out().contains("no test data: --test-split 0 trains on every row"), r.out());
        JsonNode m = json(all.resolve("metrics.json"));
        assertNull(m.get("test_accuracy"));
        assertEquals("none: --test-split 0 trains on every row", m.get("test").asText());
        assertTrue(m.get("data").asText().contains("200 train / no test data"), m.get("data").asText());
    }

    @Test
    void trainRefusesADirectoryHoldingARunUnlessForced() throws IOException {
        Path out = tmp.resolve("run");
        ok("train", "--epochs", "1", "--backend", "cpu", "--out", out.toString());
        byte[] model = Files.readAllBytes(out.resolve("model.json"));
        byte[] weights = Files.readAllBytes(out.resolve("weights.safetensors"));
        assertUserError("--out " + out + " already holds a run (model.json); choose another directory, add --force",
                "train", "--epochs", "1", "--seed", "7", "--backend", "cpu", "--out", out.toString());
        assertArrayEquals(model, Files.readAllBytes(out.resolve("model.json")), "nothing written");
        assertArrayEquals(weights, Files.readAllBytes(out.resolve("weights.safetensors")));
        ok("train", "--epochs", "1", "--seed", "7", "--backend", "cpu", "--out", out.toString(), "--force");
        assertEquals(7, json(out.resolve("model.json")).get("seed").asInt());
    }

    @Test
    void aLabelTheModelHasNoOutputForNamesTheRowInTheFile() throws IOException {
        Path spec = Files.writeString(tmp.resolve("two.json"), "{\"input_shape\": [5], \"layers\": [{\"type\": \"dense\", "
                + "\"units\": 2, \"activation\": \"softmax\"}], \"loss\": \"sparse_categorical_crossentropy\"}");
        List<DataFiles.Animal> rows = new ArrayList<>(DataFiles.animals(60, 3));
        rows.removeIf(a -> a.label().equals("dog"));
        rows.add(3, new DataFiles.Animal(1, -1, "red", "dog"));
        Path data = DataFiles.write(tmp.resolve("d.csv"), rows);
        assertUserError("training data, row 4: label 'dog' is class 2 of 3 (bird, cat, dog), but the model has only 2 outputs",
                "train", "--data", data.toString(), "--label-column", "label", "--model", spec.toString(),
                "--backend", "cpu", "--out", tmp.resolve("x").toString());
    }

    @Test
    void testDataIsNotSplitAndTestSplitChoosesTheFraction() throws IOException {
        List<DataFiles.Animal> rows = DataFiles.animals(250, 4);
        Path train = DataFiles.write(tmp.resolve("train.csv"), rows.subList(0, 200));
        Path test = DataFiles.write(tmp.resolve("test.csv"), rows.subList(200, 250));
        CliRunner.Result r = ok("train", "--data", train.toString(), "--test-data", test.toString(), "--label-column",
                "label", "--epochs", "1", "--backend", "cpu", "--out", tmp.resolve("a").toString());
        assertTrue(r.err().contains("CSV train.csv (test: test.csv), 200 train / 50 test"), r.err());
        r = ok("train", "--data", train.toString(), "--test-split", "0.5", "--label-column", "label", "--epochs", "1",
                "--backend", "cpu", "--out", tmp.resolve("b").toString());
        assertTrue(r.err().contains("100 train / 100 test"), r.err());
        assertUserError("--test-split must be at least 0 and below 1, got 1.5", "train", "--data", train.toString(),
                "--test-split", "1.5", "--out", tmp.resolve("c").toString());
        assertUserError("--test-data and --test-split cannot be combined", "train", "--data", train.toString(),
                "--test-data", test.toString(), "--test-split", "0.1", "--out", tmp.resolve("c").toString());
        assertUserError("--test-data applies to CSV data", "train", "--test-data", test.toString(),
                "--out", tmp.resolve("c").toString());
        assertFalse(Files.exists(tmp.resolve("c")));
    }

    @Test
    void noHeaderNamesColumnsC1ToCnAndTheDelimiterMayBeATab() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (DataFiles.Animal a : DataFiles.animals(120, 5)) {
            sb.append(String.format(Locale.ROOT, "%.4f\t%s\t%.4f%n", a.a(), a.label(), a.b()));
        }
        Path data = Files.writeString(tmp.resolve("animals.tsv"), sb.toString());
        for (String label : new String[] {"c2", "2"}) {
            Path out = tmp.resolve("run" + label);
            CliRunner.Result r = ok("train", "--data", data.toString(), "--no-header", "--delimiter", "\\t",
                    "--label-column", label, "--epochs", "1", "--backend", "cpu", "--out", out.toString());
            assertTrue(r.err().contains("96 train / 24 test"), "every row is data: " + r.err());
            JsonNode model = json(out.resolve("model.json"));
            assertEquals(List.of("bird", "cat", "dog"), JSON.convertValue(model.get("classes"), List.class));
            assertEquals("c1", model.get("columns").get("features").get(0).get("name").asText());
            assertEquals("c3", model.get("columns").get("features").get(1).get("name").asText());
        }
        ok("evaluate", tmp.resolve("runc2").toString(), "--backend", "cpu");
        assertUserError("--delimiter must be one character", "train", "--data", data.toString(), "--delimiter", "ab",
                "--out", tmp.resolve("x").toString());
        assertUserError("no label column 'c9'", "train", "--data", data.toString(), "--no-header", "--delimiter", "tab",
                "--label-column", "c9", "--out", tmp.resolve("x").toString());
    }

    /** {@code x,price} with {@code distinct} integer prices, y = 1000 + 300 x (+ noise). */
    private Path prices(int n) throws IOException {
        Random r = new Random(6);
        StringBuilder sb = new StringBuilder("x,price\n");
        for (int i = 0; i < n; i++) {
            double x = r.nextDouble() * 10;
            sb.append(String.format(Locale.ROOT, "%.4f,%d%n", x, Math.round(1000 + 300 * x + r.nextGaussian() * 10)));
        }
        return Files.writeString(tmp.resolve("prices.csv"), sb.toString());
    }

    @Test
    void theTaskIsInferredPrintedFirstAndCanBeChosen() throws IOException {
        Path data = prices(200);
        CliRunner.Result r = ok("train", "--data", data.toString(), "--epochs", "1", "--backend", "cpu",
                "--out", tmp.resolve("reg").toString());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.matches("task: regression \\(inferred: \\d+ distinct numeric targets; use --task to choose\\)"), first);
        assertEquals("regression", json(tmp.resolve("reg/model.json")).get("task").asText());

        Path grades = Files.writeString(tmp.resolve("grades.csv"), "x,grade\n1,0\n2,1\n3,2\n4,0\n5,1\n6,2\n7,0\n8,1\n9,2\n10,1\n");
        r = ok("train", "--data", grades.toString(), "--epochs", "1", "--backend", "cpu", "--out", tmp.resolve("g").toString());
        assertTrue(r.err().startsWith("task: classification (inferred: 3 distinct integer labels; use --task to choose)"),
                r.err());
        r = ok("train", "--data", grades.toString(), "--task", "regression", "--epochs", "1", "--backend", "cpu",
                "--out", tmp.resolve("g2").toString());
        assertTrue(r.err().startsWith("task: regression (chosen with --task)"), r.err());
        JsonNode model = json(tmp.resolve("g2/model.json"));
        assertEquals("mse", model.get("loss").asText());
        assertTrue(model.get("classes").isNull());
        assertUserError("--task must be classification or regression, got 'regresion'", "train", "--data",
                grades.toString(), "--task", "regresion", "--out", tmp.resolve("x").toString());
        assertUserError("'0.5' is not an integer", "train", "--data", Files.writeString(tmp.resolve("f.csv"),
                "x,y\n1,1\n2,0.5\n").toString(), "--task", "classification", "--out", tmp.resolve("x").toString());
    }

    @Test
    void normalizationNoneLeavesTheInputsAsTheyAre() throws IOException {
        Path data = prices(60);
        Path spec = Files.writeString(tmp.resolve("none.json"), "{\"input_shape\": [1], \"normalization\": \"none\", "
                + "\"layers\": [{\"type\": \"dense\", \"units\": 1}], \"loss\": \"mse\"}");
        ok("train", "--data", data.toString(), "--model", spec.toString(), "--epochs", "1", "--backend", "cpu",
                "--out", tmp.resolve("n").toString());
        JsonNode norm = json(tmp.resolve("n/model.json")).get("normalization");
        assertEquals("none", norm.get("kind").asText());
        assertEquals(0.0, norm.get("shift").get(0).asDouble());
        assertEquals(1.0, norm.get("scale").get(0).asDouble());
        Files.writeString(spec, Files.readString(spec).replace("\"none\"", "\"unit\""));
        assertUserError("min_max, z_score, none", "train", "--data", data.toString(), "--model", spec.toString(),
                "--out", tmp.resolve("x").toString());
    }

    @Test
    void scaledTargetsAreStoredWithTheModelAndUndoneByPredict() throws IOException {
        Path data = prices(300);
        Path out = tmp.resolve("run");
        ok("train", "--data", data.toString(), "--scale-targets", "--test-split", "0", "--epochs", "60",
                "--backend", "cpu", "--out", out.toString());
        List<String> lines = Files.readAllLines(data);
        double sum = 0;
        double[] y = new double[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            y[i - 1] = Double.parseDouble(lines.get(i).split(",")[1]);
            sum += y[i - 1];
        }
        double mean = sum / y.length;
        JsonNode scaling = json(out.resolve("model.json")).get("target_scaling");
        assertEquals("z_score", scaling.get("kind").asText());
        assertEquals(mean, scaling.get("shift").get(0).asDouble(), mean * 1e-5);
        List<String> predicted = ok("predict", out.toString(), "--data", data.toString(), "--backend", "cpu")
                .out().strip().lines().toList();
        assertEquals("row,predicted", predicted.get(0));
        double absError = 0;
        for (int i = 0; i < y.length; i++) {
            absError += Math.abs(Double.parseDouble(predicted.get(i + 1).split(",")[1]) - y[i]);
        }
        // The targets span 1000..4000 (std ~ 870): un-scaled predictions are within a small fraction of that.
        assertTrue(absError / y.length < 150, "mean absolute error in price units: " + absError / y.length);
        assertUserError("--scale-targets scales regression targets, but the task is classification", "train",
                "--data", animals().toString(), "--label-column", "label", "--scale-targets", "--out", tmp.resolve("x").toString());
    }

    @Test
    void aResumedCsvRunKeepsItsColumnsClassesAndSplit() throws IOException {
        Path data = animals();
        Path straight = tmp.resolve("straight");
        Path resumed = tmp.resolve("resumed");
        String[] common = {"--data", data.toString(), "--label-column", "label", "--test-split", "0.3", "--backend", "cpu"};
        List<String> a = new ArrayList<>(List.of("train", "--epochs", "4", "--out", straight.toString()));
        a.addAll(List.of(common));
        ok(a.toArray(String[]::new));
        List<String> b = new ArrayList<>(List.of("train", "--epochs", "2", "--out", resumed.toString()));
        b.addAll(List.of(common));
        ok(b.toArray(String[]::new));
        CliRunner.Result r = ok("train", "--resume", resumed.toString(), "--epochs", "4", "--backend", "cpu");
        assertTrue(r.err().contains("140 train / 60 test"), r.err());
        assertEquals(json(straight.resolve("metrics.json")).get("test_accuracy").asDouble(),
                json(resumed.resolve("metrics.json")).get("test_accuracy").asDouble(), 1e-12);
        assertEquals(json(straight.resolve("model.json")).get("columns"), json(resumed.resolve("model.json")).get("columns"));
        assertUserError("--test-split cannot be combined with --resume", "train", "--resume", resumed.toString(),
                "--epochs", "5", "--test-split", "0.1");
    }
}
