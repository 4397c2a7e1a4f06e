package io.myelin.cli;

import io.myelin.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.myelin.cli.CliResumeTest.historyWithoutTimes;
import static io.myelin.cli.CliResumeTest.json;
import static io.myelin.cli.CliResumeTest.train;
import static io.myelin.cli.CliTest.assertUserError;
import static io.myelin.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code myelin train} checkpoints its run directory during the run: a run stopped between epochs resumes to
 * the numbers of an uninterrupted one, and a diverged run says whether its directory can be resumed.
 */
class CliCheckpointTest {
    /** Plain SGD whose learning rate jumps from 0.01 to 1e28 at epoch 3: the loss becomes NaN there. */
    private static final String DIVERGES_AT_EPOCH_3 = "{\"input_shape\": [64], \"layers\": ["
            + "{\"type\": \"dense\", \"units\": 16, \"activation\": \"relu\"},"
            + "{\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}],"
            + "\"loss\": \"sparse_categorical_crossentropy\", \"optimizer\": {\"type\": \"sgd\", \"lr\": 0.01},"
            + "\"lr_schedule\": {\"type\": \"step_decay\", \"factor\": 1e30, \"every\": 2}}";

    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /**
     * The real crash path: a separate JVM trains, is sent SIGTERM (which, like Ctrl-C's SIGINT, runs the
     * shutdown hooks) right after its first checkpoint appears, and the directory it leaves is resumed here.
     */
    @Test
    void aRunKilledBetweenEpochsResumesToTheResultOfAStraightRun() throws Exception {
        String spec = write("spec.json", CliResumeTest.SPEC).toString();
        List<String> settings = List.of("--model", spec, "--epochs", "20", "--validation-split", "0.1", "--seed", "7");
        Path killed = tmp.resolve("killed");
        Path log = tmp.resolve("killed.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), MyelinCli.class.getName(),
                "train", "--backend", "cpu", "--checkpoint-every", "2", "--out", killed.toString()));
        cmd.addAll(settings);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.exists(killed.resolve("training_state.json"))) {
                assertTrue(p.isAlive(), () -> "the run ended before its first checkpoint:\n" + read(log));
                assertTrue(System.nanoTime() < deadline, () -> "no checkpoint after 3 minutes:\n" + read(log));
                Thread.sleep(5);
            }
            p.destroy();
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the run stops on SIGTERM");
        } finally {
            p.destroyForcibly();
        }
        String out = read(log);
        assertNotEquals(0, p.exitValue(), out);
        int k = json(killed.resolve("training_state.json")).get("epochs_completed").asInt();
        assertTrue(k >= 2 && k < 20 && k % 2 == 0, "a --checkpoint-every 2 checkpoint before the end: epoch " + k);
        assertTrue(out.contains("checkpoints: " + killed + ", after every 2 epochs; an interrupted run continues with: "
                + "scripts/myelin train --resume " + killed), out);
        assertTrue(out.contains("interrupted: " + killed + " holds the checkpoint after epoch " + k
                + " of 20; continue with: scripts/myelin train --resume " + killed), out);
        assertEquals(List.of("checkpoint.json", "history.csv", "model.json", "optimizer.safetensors", "training_state.json",
                "weights.safetensors"), names(killed), "a complete checkpoint, no temporary files, no final reports");
        assertEquals(k + 1, Files.readAllLines(killed.resolve("history.csv")).size(), "history.csv so far");

        CliRunner.Result r = run("train", "--resume", killed.toString(), "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming " + killed + " at epoch " + (k + 1) + " of 20"), r.err());

        Path straight = tmp.resolve("straight");
        train(straight, settings.toArray(String[]::new));
        for (String f : new String[] {"weights.safetensors", "optimizer.safetensors"}) {
            assertArrayEquals(Files.readAllBytes(straight.resolve(f)), Files.readAllBytes(killed.resolve(f)), f);
        }
        assertEquals(historyWithoutTimes(straight), historyWithoutTimes(killed));
        assertEquals(json(straight.resolve("metrics.json")).get("test_accuracy"),
                json(killed.resolve("metrics.json")).get("test_accuracy"));
    }

    @Test
    void aDivergedRunKeepsItsLastCheckpointAndSaysWhetherItCanBeResumed() throws IOException {
        String spec = write("diverges.json", DIVERGES_AT_EPOCH_3).toString();
        Path twoEpochs = tmp.resolve("two-epochs");
        train(twoEpochs, "--model", spec, "--epochs", "2");

        Path run = tmp.resolve("run");
        CliRunner.Result r = run("train", "--backend", "cpu", "--model", spec, "--epochs", "4", "--out", run.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("error: training diverged: loss became") && r.err().contains("at epoch 3"), r.err());
        assertTrue(r.err().contains(run + " holds the checkpoint after epoch 2, the last good state: "
                + "'scripts/myelin train --resume " + run + "' continues it"), r.err());
        assertEquals(2, json(run.resolve("training_state.json")).get("epochs_completed").asInt());
        assertArrayEquals(Files.readAllBytes(twoEpochs.resolve("weights.safetensors")),
                Files.readAllBytes(run.resolve("weights.safetensors")), "the checkpoint holds the last good weights");
        assertTrue(Files.exists(run.resolve("optimizer.safetensors")) && Files.exists(run.resolve("metrics.json")));

        CliRunner.Result again = run("train", "--resume", run.toString(), "--backend", "cpu");
        assertEquals(3, again.code(), again.err());
        assertTrue(again.err().contains(run + " holds the checkpoint after epoch 2"), again.err());

        Path atEnd = tmp.resolve("at-end");
        CliRunner.Result r0 = run("train", "--backend", "cpu", "--model", spec, "--epochs", "4", "--checkpoint-every", "0",
                "--out", atEnd.toString());
        assertEquals(3, r0.code(), r0.err());
        assertTrue(r0.err().contains("The last good weights were saved to " + atEnd + " without optimizer and training "
                + "state, so the run cannot be resumed; start a new run from them with --init-weights "
                + atEnd.resolve("weights.safetensors")), r0.err());
        assertFalse(Files.exists(atEnd.resolve("optimizer.safetensors")) || Files.exists(atEnd.resolve("training_state.json")));
        assertEquals(SafeTensors.read(twoEpochs.resolve("weights.safetensors")).tensors(),
                SafeTensors.read(atEnd.resolve("weights.safetensors")).tensors(), "last good weights: after epoch 2");
    }

    @Test
    void checkpointEveryMistakesGiveOneLineAndWriteNothing() throws IOException {
        Path out = tmp.resolve("never");
        assertUserError("--checkpoint-every must be a number of epochs (0: only at the end), got -1",
                "train", "--checkpoint-every", "-1", "--out", out.toString());
        CliRunner.Result r = run("train", "--checkpoint-every", "two", "--out", out.toString());
        assertEquals(2, r.code());
        assertEquals("error: Invalid value for option '--checkpoint-every': 'two' is not an int (see 'myelin train "
                + "--help')", r.err().strip());

        Path done = tmp.resolve("done");
        train(done, "--epochs", "1");
        Map<String, byte[]> before = CliResumeTest.snapshot(done);
        assertUserError("--checkpoint-every must be a number of epochs", "train", "--resume", done.toString(),
                "--epochs", "2", "--checkpoint-every", "-2");
        CliResumeTest.assertSameFiles(before, done);
        assertFalse(Files.exists(out), "no output directory after an error");
    }

    @Test
    void aDirectoryMixingTwoEpochsIsRefused() throws IOException {
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        train(one, "--epochs", "1");
        train(two, "--epochs", "2");
        Path mixed = CliResumeTest.copy(two, tmp.resolve("mixed"));
        Files.copy(one.resolve("training_state.json"), mixed.resolve("training_state.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, byte[]> before = CliResumeTest.snapshot(mixed);
        assertUserError(mixed.resolve("training_state.json") + " is not the file " + mixed.resolve("checkpoint.json")
                + " lists (generation ", "train", "--resume", mixed.toString(), "--epochs", "3");
        CliResumeTest.assertSameFiles(before, mixed);

        // A directory of the format before checkpoint.json: the epoch stamps catch the mix.
        Files.delete(mixed.resolve("checkpoint.json"));
        before = CliResumeTest.snapshot(mixed);
        assertUserError(mixed + " mixes two checkpoints: weights.safetensors is from epoch 2 but training_state.json "
                + "from epoch 1", "train", "--resume", mixed.toString(), "--epochs", "3");
        CliResumeTest.assertSameFiles(before, mixed);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
