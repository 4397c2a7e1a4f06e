package io.myelin.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static io.myelin.cli.CliDataTest.ok;
import static io.myelin.cli.CliTest.assertUserError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code myelin predict}: every row in order, with or without labels, from a file or stdin; drift warnings. */
class CliPredictTest {
    @TempDir
    Path tmp;

    private List<DataFiles.Animal> testRows;
    private Path test;
    private Path run;

    @BeforeEach
    void train() throws IOException {
        List<DataFiles.Animal> rows = DataFiles.animals(260, 11);
        testRows = rows.subList(200, 260);
        Path train = DataFiles.write(tmp.resolve("train.csv"), rows.subList(0, 200));
        test = DataFiles.write(tmp.resolve("test.csv"), testRows);
        run = tmp.resolve("run");
        ok("train", "--data", train.toString(), "--test-data", test.toString(), "--label-column", "label",
                "--epochs", "15", "--backend", "cpu", "--out", run.toString());
    }

    @Test
    void predictsEveryRowInFileOrderAndMatchesEvaluate() throws IOException {
        CliRunner.Result p = ok("predict", run.toString(), "--data", test.toString(), "--backend", "cpu");
        List<String> lines = p.out().strip().lines().toList();
        assertEquals("row,predicted,p_bird,p_cat,p_dog", lines.get(0));
        assertEquals(testRows.size() + 1, lines.size());
        int correct = 0;
        for (int i = 0; i < testRows.size(); i++) {
            String[] cells = lines.get(i + 1).split(",");
            assertEquals(Integer.toString(i + 1), cells[0], "row numbers follow the file");
            double sum = Double.parseDouble(cells[2]) + Double.parseDouble(cells[3]) + Double.parseDouble(cells[4]);
            assertEquals(1.0, sum, 1e-4, "class probabilities: " + lines.get(i + 1));
            int best = 2;
            for (int c = 3; c <= 4; c++) {
                best = Double.parseDouble(cells[c]) > Double.parseDouble(cells[best]) ? c : best;
            }
            assertEquals(List.of("bird", "cat", "dog").get(best - 2), cells[1], "predicted is the most probable class");
            correct += cells[1].equals(testRows.get(i).label()) ? 1 : 0;
        }
        CliRunner.Result ev = ok("evaluate", run.toString(), "--data", test.toString(), "--backend", "cpu");
        assertTrue(ev.out().contains(String.format(Locale.ROOT, "test accuracy: %.4f", (double) correct / testRows.size())),
                ev.out() + " vs " + correct + "/" + testRows.size());

        Path unlabelled = DataFiles.write(tmp.resolve("new.csv"), testRows, false, a -> true);
        assertEquals(p.out(), ok("predict", run.toString(), "--data", unlabelled.toString(), "--backend", "cpu").out(),
                "the label column is not needed");
        CliRunner.Result stdin = CliRunner.runWithInput(Files.readString(unlabelled), "predict", run.toString(),
                "--data", "-", "--backend", "cpu");
        assertEquals(0, stdin.code(), stdin.err());
        assertEquals(p.out(), stdin.out(), "standard input reads the same rows");

        Path written = tmp.resolve("predictions.csv");
        CliRunner.Result toFile = ok("predict", run.toString(), "--data", test.toString(), "--out", written.toString(),
                "--backend", "cpu");
        assertEquals("", toFile.out());
        assertEquals(p.out(), Files.readString(written));
        List<String> three = ok("predict", run.toString(), "--data", test.toString(), "--limit", "3", "--backend", "cpu")
                .out().strip().lines().toList();
        assertEquals(lines.subList(0, 4), three);
    }

    @Test
    void mistakesAreOneLineAndWriteNothing() throws IOException {
        Path written = tmp.resolve("p.csv");
        assertUserError("--limit must be at least 1", "predict", run.toString(), "--data", test.toString(), "--limit", "0",
                "--out", written.toString());
        String purple = Files.readString(test).replaceFirst("(\n[^\n]*\n[^\n]*),(red|green|blue)\n", "$1,purple\n");
        Path bad = Files.writeString(tmp.resolve("purple.csv"), purple);
        assertUserError("purple.csv, row 2 (line 3), column 'color': category 'purple' was not in the training data "
                + "(known: blue, green, red)", "predict", run.toString(), "--data", bad.toString(), "--out", written.toString());
        Path extra = Files.writeString(tmp.resolve("extra.csv"), Files.readString(test).replace("a,label,b,color\n",
                "a,label,b,colour\n"));
        assertUserError("has no column 'color', which the model was trained on", "predict", run.toString(), "--data",
                extra.toString(), "--out", written.toString());
        assertUserError("not a model directory", "predict", tmp.toString(), "--data", test.toString());
        assertFalse(Files.exists(written), "nothing written after an error");
    }

    @Test
    void evaluateOnRowsWithoutLabelsSaysSoAndPointsToPredict() throws IOException {
        Path unlabelled = DataFiles.write(tmp.resolve("new.csv"), testRows, false, a -> true);
        CliRunner.Result r = CliRunner.run("evaluate", run.toString(), "--data", unlabelled.toString(), "--backend", "cpu");
        assertEquals(2, r.code(), r.err());
        assertEquals("error: file " + unlabelled + " has no label column 'label' (columns: a, b, color), and evaluate "
                + "compares predictions with labels; to score rows without labels use: scripts/myelin predict " + run
                + " --data " + unlabelled, r.lastErrLine());
        r = CliRunner.runWithInput(Files.readString(unlabelled), "evaluate", run.toString(), "--data", "-", "--backend", "cpu");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.lastErrLine().startsWith("error: standard input has no label column 'label' (columns: a, b, color)")
                && r.lastErrLine().endsWith("scripts/myelin predict " + run + " --data -"), r.err());
        // A label column under another name is a near miss, not a file without labels.
        Path renamed = Files.writeString(tmp.resolve("renamed.csv"), Files.readString(test).replace("a,label,b,color\n",
                "a,Label,b,color\n"));
        assertUserError("has no label column 'label'; did you mean 'Label'?", "evaluate", run.toString(), "--data",
                renamed.toString(), "--backend", "cpu");
        assertEquals(0, CliRunner.run("evaluate", run.toString(), "--data", renamed.toString(), "--label-column", "Label",
                "--backend", "cpu").code());
    }

    @Test
    void anExistingOutFileIsReplacedOnlyWithForceAndAtomically() throws IOException {
        String expected = ok("predict", run.toString(), "--data", test.toString(), "--backend", "cpu").out();
        Path written = Files.writeString(tmp.resolve("p.csv"), "an earlier result\n");
        assertUserError("--out " + written + " already exists; choose another file, or add --force to replace it",
                "predict", run.toString(), "--data", test.toString(), "--out", written.toString(), "--backend", "cpu");
        assertEquals("an earlier result\n", Files.readString(written), "a refused --out is left as it was");
        ok("predict", run.toString(), "--data", test.toString(), "--out", written.toString(), "--force", "--backend", "cpu");
        assertEquals(expected, Files.readString(written));
        assertUserError("--out " + tmp + " is a directory; give the name of the file to write", "predict", run.toString(),
                "--data", test.toString(), "--out", tmp.toString(), "--backend", "cpu");
        assertUserError("cannot be created: " + written + " is a file, not a directory", "predict", run.toString(),
                "--data", test.toString(), "--out", written.resolve("p.csv").toString(), "--backend", "cpu");
        assertUserError("--force replaces an existing --out FILE, but no --out was given", "predict", run.toString(),
                "--data", test.toString(), "--force", "--backend", "cpu");
        Path nested = tmp.resolve("new/dir/p.csv");
        ok("predict", run.toString(), "--data", test.toString(), "--out", nested.toString(), "--backend", "cpu");
        assertEquals(expected, Files.readString(nested), "missing directories are made");
        try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".tmp")).toList(),
                    "no temporary file is left");
        }
    }

    @Test
    void aShiftedColumnGivesOneWarningNamingIt() throws IOException {
        CliRunner.Result plain = ok("predict", run.toString(), "--data", test.toString(), "--backend", "cpu");
        assertFalse(plain.err().contains("warning"), plain.err());
        List<DataFiles.Animal> shifted = testRows.stream()
                .map(a -> new DataFiles.Animal(a.a(), a.b() + 3, a.color(), a.label())).toList();
        Path drifted = DataFiles.write(tmp.resolve("drifted.csv"), shifted);
        for (String command : new String[] {"predict", "evaluate"}) {
            CliRunner.Result r = ok(command, run.toString(), "--data", drifted.toString(), "--backend", "cpu");
            List<String> warnings = r.err().lines().filter(l -> l.startsWith("warning:")).toList();
            assertEquals(1, warnings.size(), r.err());
            assertTrue(warnings.get(0).contains("the 60 rows differ from the training data in 1 feature")
                    && warnings.get(0).contains(": b (mean "), warnings.get(0));
        }
        // Below the row minimum there is no check: 29 rows of the same shift.
        Path few = DataFiles.write(tmp.resolve("few.csv"), shifted.subList(0, 29));
        assertFalse(ok("predict", run.toString(), "--data", few.toString(), "--backend", "cpu").err().contains("warning"));
    }
}
