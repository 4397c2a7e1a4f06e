package io.myelin.cli;

import io.myelin.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.myelin.cli.CliResumeTest.historyWithoutTimes;
import static io.myelin.cli.CliResumeTest.json;
import static io.myelin.cli.CliResumeTest.train;
import static io.myelin.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run killed at any instant of a checkpoint commit (halted in a separate JVM by an injected fault: while
 * each temporary is half written, and after each rename) leaves a directory that resumes to the same bytes as
 * an uninterrupted run, and the resume removes every temporary.
 */
class CliCrashConsistencyTest {
    /** The files of one commit, in commit order (RunOutputs.checkpointFiles), and the manifest. */
    private static final List<String> COMMIT = List.of("model.json", "weights.safetensors", "optimizer.safetensors",
            "training_state.json", "history.csv", "checkpoint.json");

    @TempDir
    Path tmp;

    private List<String> settings() throws IOException {
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, CliResumeTest.SPEC);
        return List.of("--model", spec.toString(), "--epochs", "3", "--validation-split", "0.1", "--seed", "7");
    }

    @Test
    void aKillAtAnyPointOfTheSecondCheckpointResumesToTheBytesOfAStraightRun() throws Exception {
        List<String> settings = settings();
        Path straight = tmp.resolve("straight");
        train(straight, settings.toArray(String[]::new));

        List<String> points = new ArrayList<>();
        for (String name : COMMIT) {
            points.add("halt-while-writing:" + name);
        }
        for (int k = 0; k <= COMMIT.size(); k++) {
            points.add("halt-after-rename:" + k);
        }
        for (String point : points) {
            Path dir = tmp.resolve(point.replace(':', '-'));
            ChildJvm.Result child = trainInChild(dir, point + "@2", settings);
            assertEquals(ChildJvm.HALTED, child.code(), point + ": halted by the fault\n" + child.output());
            // Mid-commit, every final name holds a complete file of one generation (PyTorch can load it).
            assertEquals(straightTensorNames(straight), SafeTensors.read(dir.resolve("weights.safetensors")).tensors().keySet(),
                    point);
            boolean committed = !point.startsWith("halt-while-writing") && !point.equals("halt-after-rename:0");
            CliRunner.Result r = run("train", "--resume", dir.toString(), "--backend", "cpu");
            assertEquals(0, r.code(), point + "\n" + r.err());
            assertTrue(r.err().contains("resuming " + dir + " at epoch " + (committed ? 3 : 2) + " of 3"), point + "\n" + r.err());
            for (String f : new String[] {"weights.safetensors", "optimizer.safetensors"}) {
                assertArrayEquals(Files.readAllBytes(straight.resolve(f)), Files.readAllBytes(dir.resolve(f)), point + ": " + f);
            }
            assertEquals(historyWithoutTimes(straight), historyWithoutTimes(dir), point);
            assertEquals(json(straight.resolve("training_state.json")).get("global_step"),
                    json(dir.resolve("training_state.json")).get("global_step"), point);
            assertEquals(List.of("checkpoint.json", "curves.png", "history.csv", "metrics.json", "model.json",
                    "optimizer.safetensors", "training_state.json", "weights.safetensors"), names(dir),
                    point + ": no temporary left");
        }
    }

    @Test
    void aKillDuringTheFirstCheckpointLeavesTemporariesThatForceRemovesAndNothingElse() throws Exception {
        List<String> settings = settings();
        Path dir = tmp.resolve("first");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "mine");
        Files.writeString(dir.resolve(".notes.txt.g1.tmp"), "also mine: not a checkpoint file's name");
        ChildJvm.Result child = trainInChild(dir, "halt-while-writing:optimizer.safetensors@1", settings);
        assertEquals(ChildJvm.HALTED, child.code(), child.output());
        assertEquals(List.of(".model.json.g1.tmp", ".notes.txt.g1.tmp", ".optimizer.safetensors.g1.tmp",
                ".weights.safetensors.g1.tmp", "notes.txt"), names(dir), "only temporaries: nothing was committed");
        CliTest.assertUserError("is not a run directory", "train", "--resume", dir.toString());

        List<String> args = new ArrayList<>(List.of("train", "--backend", "cpu", "--out", dir.toString(), "--epochs", "1"));
        CliRunner.Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err() + "\na fresh run into a directory without a run needs no --force");
        assertEquals(List.of(".notes.txt.g1.tmp", "checkpoint.json", "curves.png", "history.csv", "metrics.json",
                "model.json", "notes.txt", "optimizer.safetensors", "training_state.json", "weights.safetensors"),
                names(dir), "the stale temporaries of checkpoint files are gone, other files stay");
        assertEquals("mine", Files.readString(dir.resolve("notes.txt")));

        // Killed after the first commit's manifest rename: the checkpoint is complete under temporary names.
        Path renamed = tmp.resolve("first-committed");
        child = trainInChild(renamed, "halt-after-rename:2@1", settings);
        assertEquals(ChildJvm.HALTED, child.code(), child.output());
        assertTrue(Files.exists(renamed.resolve(".weights.safetensors.g1.tmp")), names(renamed).toString());
        CliRunner.Result resumed = run("train", "--resume", renamed.toString(), "--backend", "cpu");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming " + renamed + " at epoch 2 of 3"), resumed.err());
        assertEquals(8, names(renamed).size(), names(renamed).toString());
    }

    @Test
    void aDirectoryOfTheFormatBeforeTheManifestResumesAndGainsOne() throws Exception {
        List<String> settings = settings();
        Path straight = tmp.resolve("straight");
        train(straight, settings.toArray(String[]::new));
        Path old = tmp.resolve("old");
        List<String> two = new ArrayList<>(settings);
        two.set(two.indexOf("--epochs") + 1, "2");
        train(old, two.toArray(String[]::new));
        Files.delete(old.resolve("checkpoint.json"));  // the layout of the version before it
        CliRunner.Result r = run("train", "--resume", old.toString(), "--epochs", "3", "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"weights.safetensors", "optimizer.safetensors"}) {
            assertArrayEquals(Files.readAllBytes(straight.resolve(f)), Files.readAllBytes(old.resolve(f)), f);
        }
        assertEquals(historyWithoutTimes(straight), historyWithoutTimes(old));
        assertEquals(2, io.myelin.io.CheckpointCommit.manifest(old).generation(),
                "the manifest starts with the resumed run: its epoch-3 checkpoint and its final write");
    }

    private ChildJvm.Result trainInChild(Path dir, String fault, List<String> settings) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--backend", "cpu", "--checkpoint-every", "1",
                "--out", dir.toString()));
        args.addAll(settings);
        return ChildJvm.run(tmp.resolve(dir.getFileName() + ".log"), fault, args.toArray(String[]::new));
    }

    private static java.util.Set<String> straightTensorNames(Path straight) {
        return SafeTensors.read(straight.resolve("weights.safetensors")).tensors().keySet();
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
