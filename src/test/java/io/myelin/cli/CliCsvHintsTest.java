package io.myelin.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The common slips with a first CSV file get a line that names the fix: another delimiter, a label column
 * written in another case or misspelt, a file without a header read as one, and a regression on unscaled
 * targets that ends worse than predicting their mean.
 */
class CliCsvHintsTest {
    @TempDir
    Path tmp;

    private String animalsCsv(String delimiter, boolean header) throws IOException {
        String text = Files.readString(DataFiles.write(tmp.resolve("a.csv"), DataFiles.animals(60, 5)));
        if (!header) {
            text = text.substring(text.indexOf('\n') + 1);
        }
        return text.replace(",", delimiter);
    }

    private CliRunner.Result train(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--backend", "cpu", "--out",
                tmp.resolve("run").toString(), "--force"));
        args.addAll(List.of(extra));
        if (!args.contains("--epochs")) {
            args.addAll(List.of("--epochs", "1"));
        }
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void aFileReadAsOneColumnNamesTheDelimiterItHolds() throws IOException {
        Path semi = Files.writeString(tmp.resolve("semi.csv"), animalsCsv(";", true));
        CliRunner.Result r = train("--data", semi.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("error: file " + semi + " has only the label column 'a;label;b;color'; at least one feature column is "
                + "needed (the column name holds ';': if that is the delimiter, add --delimiter ';')", r.lastErrLine());
        Path tsv = Files.writeString(tmp.resolve("t.tsv"), animalsCsv("\t", true));
        r = train("--data", tsv.toString(), "--label-column", "label");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.lastErrLine().endsWith("(the column name holds tabs: if that is the delimiter, add --delimiter '\\t')"),
                r.lastErrLine());
        assertEquals(0, train("--data", semi.toString(), "--delimiter", ";", "--label-column", "label").code());
    }

    @Test
    void aLabelColumnInAnotherCaseOrMisspeltIsSuggested() throws IOException {
        Path data = Files.writeString(tmp.resolve("d.csv"), animalsCsv(",", true));
        CliRunner.Result r = train("--data", data.toString(), "--label-column", "Label");
        assertEquals(2, r.code(), r.err());
        assertEquals("error: file " + data + " has no label column 'Label'; did you mean 'label'? (columns: a, label, b, color)",
                r.lastErrLine());
        r = train("--data", data.toString(), "--label-column", "colour");
        assertTrue(r.lastErrLine().contains("has no label column 'colour'; did you mean 'color'?"), r.err());
        r = train("--data", data.toString(), "--label-column", "species");
        assertEquals("error: file " + data + " has no label column 'species' (columns: a, label, b, color)", r.lastErrLine());
    }

    @Test
    void aHeaderOfNumbersIsSaidToLookLikeData() throws IOException {
        Path noHeader = Files.writeString(tmp.resolve("raw.csv"), animalsCsv(",", false));
        CliRunner.Result r = train("--data", noHeader.toString(), "--label-column", "2");
        assertEquals(2, r.code(), "a header named by numbers has no column '2': " + r.err());
        assertTrue(r.err().startsWith("warning: file " + noHeader + ": the header (line 1) looks like data ("), r.err());
        assertTrue(r.err().contains("and was read as the column names; if the file has no header, add --no-header"),
                r.err());
        r = train("--data", noHeader.toString(), "--no-header", "--label-column", "2");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("warning:"), r.err());
        Path header = Files.writeString(tmp.resolve("h.csv"), animalsCsv(",", true));
        r = train("--data", header.toString(), "--label-column", "label");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("warning:"), r.err());
    }

    @Test
    void aResumedRunDoesNotSuggestTheTaskOptionItRefuses() throws IOException {
        Path data = Files.writeString(tmp.resolve("d.csv"), animalsCsv(",", true));
        assertEquals(0, train("--data", data.toString(), "--label-column", "label").code());
        CliRunner.Result r = CliRunner.run("train", "--resume", tmp.resolve("run").toString(), "--epochs", "2",
                "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("task: classification (saved with the run)\n"), r.err());
        r = CliRunner.run("train", "--resume", tmp.resolve("run").toString(), "--epochs", "3", "--task", "regression");
        assertEquals(2, r.code(), "and --task is indeed refused: " + r.err());
    }

    @Test
    void aRegressionWorseThanTheMeanSuggestsScalingTheTargets() throws IOException {
        StringBuilder sb = new StringBuilder("x1,x2,price\n");
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            double x1 = random.nextGaussian();
            double x2 = random.nextGaussian();
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%.3f%n", x1, x2, 500 + 40 * x1 - 20 * x2));
        }
        Path data = Files.writeString(tmp.resolve("houses.csv"), sb.toString());
        CliRunner.Result r = train("--data", data.toString(), "--epochs", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test mae: "), "a regression run prints its test metrics: " + r.out());
        assertTrue(r.err().contains("the variance of the training targets (what always predicting their mean, "), r.err());
        assertTrue(r.err().contains("try --scale-targets"), r.err());
        r = train("--data", data.toString(), "--epochs", "3", "--scale-targets");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("--scale-targets"), "no hint once the targets are scaled: " + r.err());
    }
}
