package io.myelin.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code myelin lr-find}: exact step count, a diverging sweep ends normally, its files, its option checks. */
class CliLrFindTest {
    @TempDir
    Path tmp;

    @Test
    void runsExactlyTheStepsAndWritesCsvAndPlot() throws IOException {
        Path out = tmp.resolve("lr");
        CliRunner.Result r = CliRunner.run("lr-find", "--backend", "cpu", "--steps", "30", "--min-lr", "1e-5",
                "--max-lr", "0.01", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(out.resolve("lr_find.csv"));
        assertEquals("step,lr,loss,smoothed_loss", csv.get(0));
        assertEquals(31, csv.size(), "a header and exactly --steps rows (digits: 45 steps per epoch)");
        assertTrue(csv.get(1).startsWith("1,1.00000e-05,"), csv.get(1));
        assertTrue(csv.get(30).startsWith("30,0.0100000,"), csv.get(30));
        assertTrue(r.out().contains("suggested lr: "), r.out());
        assertTrue(r.err().contains("lr range test: 30 steps, lr 1.00e-05 to 0.0100"), r.err());
        BufferedImage png = ImageIO.read(out.resolve("lr_find.png").toFile());
        assertNotNull(png, "lr_find.png is a PNG");
        assertEquals(LrFindChart.WIDTH, png.getWidth());
        assertEquals(LrFindChart.HEIGHT, png.getHeight());

        CliRunner.Result again = CliRunner.run("lr-find", "--backend", "cpu", "--steps", "30", "--out", out.toString());
        assertEquals(2, again.code(), again.err());
        assertTrue(again.lastErrLine().startsWith("error: --out " + out + " already holds an lr-find result"), again.err());
        assertEquals(0, CliRunner.run("lr-find", "--backend", "cpu", "--steps", "5", "--out", out.toString(), "--force").code());
        assertEquals(6, Files.readAllLines(out.resolve("lr_find.csv")).size());
    }

    @Test
    void aDivergingSweepEndsNormally() throws IOException {
        Path out = tmp.resolve("div");
        CliRunner.Result r = CliRunner.run("lr-find", "--backend", "cpu", "--steps", "100", "--min-lr", "1e-3",
                "--max-lr", "1e5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(out.resolve("lr_find.csv"));
        assertTrue(csv.size() < 101, "stopped before the last step: " + csv.size());
        assertTrue(r.err().contains("of 100 steps, ended at lr"), r.err());
        assertTrue(Files.size(out.resolve("lr_find.png")) > 0);
        double suggested = Double.parseDouble(r.out().replaceAll("(?s).*suggested lr: ([0-9.e+-]+).*", "$1"));
        double end = Double.parseDouble(csv.get(csv.size() - 1).split(",")[1]);
        assertTrue(suggested < end, "the suggestion comes before the divergence: " + suggested + " vs " + end);
    }

    @Test
    void badOptionsAreOneLineErrors() {
        Path out = tmp.resolve("never");
        CliTest.assertUserError("--steps must be at least 2, got 1", "lr-find", "--steps", "1", "--out", out.toString());
        CliTest.assertUserError("0 < min < max", "lr-find", "--min-lr", "0", "--out", out.toString());
        CliTest.assertUserError("0 < min < max", "lr-find", "--min-lr", "1", "--max-lr", "0.1", "--out", out.toString());
        assertFalse(Files.exists(out));
    }
}
