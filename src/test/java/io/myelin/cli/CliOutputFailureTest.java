package io.myelin.cli;

import io.myelin.io.CheckpointCommit;
import io.myelin.saving.Checkpoints;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.myelin.cli.CliCrashConsistencyTest.names;
import static io.myelin.cli.CliResumeTest.historyWithoutTimes;
import static io.myelin.cli.CliResumeTest.json;
import static io.myelin.cli.CliResumeTest.train;
import static io.myelin.cli.CliRunner.run;
import static io.myelin.cli.CliTest.assertUserError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the run's files cannot go: a bad {@code --out} is refused before any epoch (exit 2); a checkpoint write
 * that fails (a full disk) stops training at the next step with one {@code error:} line naming the file and the
 * cause, exit 4, and the last complete checkpoint intact; a finished run whose final write failed is finished
 * by {@code --resume}.
 */
class CliOutputFailureTest {
    @TempDir
    Path tmp;

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void anOutThatCannotHoldARunIsRefusedBeforeTraining() throws IOException {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        assertUserError("--out " + file + " is an existing file, not a directory", "train", "--out", file.toString());
        assertUserError("--out " + file.resolve("run") + " cannot be created: " + file + " is a file, not a directory",
                "train", "--out", file.resolve("run").toString());
        assertEquals("x", Files.readString(file));
        assertUserError("--out /proc/myelin-run is under /proc, a kernel pseudo file system", "train", "--out",
                "/proc/myelin-run");
        Path done = tmp.resolve("done");
        train(done, "--epochs", "1");
        assertUserError("--out " + file + " is an existing file", "train", "--resume", done.toString(), "--epochs", "2",
                "--out", file.toString());
    }

    @Test
    void aReadOnlyOutIsRefusedBeforeTraining() throws Exception {
        Path ro = tmp.resolve("read-only");
        Files.createDirectories(ro);
        boolean mounted = false;
        if (isRoot()) {
            // Root ignores permission bits: a read-only file system is what stops it.
            mounted = sh("mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", ro.toString());
            Assumptions.assumeTrue(mounted, "running as root, and mounting a read-only tmpfs failed (no CAP_SYS_ADMIN)");
        } else {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        try {
            assertUserError("--out " + ro.resolve("run") + " is not writable: cannot create a file in " + ro,
                    "train", "--out", ro.resolve("run").toString());
            assertEquals(List.of(), names(ro));
        } finally {
            if (mounted) {
                sh("umount", ro.toString());
            } else {
                Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    @Test
    void aFailedCheckpointWriteStopsAtTheNextStepWithExit4AndKeepsTheLastCheckpoint() throws Exception {
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, CliResumeTest.SPEC);
        List<String> settings = List.of("--model", spec.toString(), "--epochs", "20", "--seed", "7");
        Path dir = tmp.resolve("run");
        List<String> args = new ArrayList<>(List.of("train", "--backend", "cpu", "--out", dir.toString()));
        args.addAll(settings);
        ChildJvm.Result child = ChildJvm.run(tmp.resolve("run.log"), "fail-writing:optimizer.safetensors@2",
                args.toArray(String[]::new));
        assertEquals(4, child.code(), child.output());
        List<String> errors = child.output().lines().filter(l -> l.contains("error")).toList();
        assertEquals(List.of("error: cannot write " + dir.resolve("optimizer.safetensors")
                + ": No space left on device (injected)"), errors, child.output());
        assertFalse(child.output().contains("\tat "), "no stack trace: " + child.output());
        // The write fails in the background while epoch 3 trains; the run stops at the first step after that
        // (epochs here take a few tens of milliseconds, a commit with its fsyncs about as long).
        assertFalse(child.output().contains("epoch 6/20"), "stopped soon after the failure: " + child.output());
        assertEquals(1, json(dir.resolve("training_state.json")).get("epochs_completed").asInt(), "the epoch-1 checkpoint");
        assertEquals(List.of("checkpoint.json", "history.csv", "model.json", "optimizer.safetensors",
                "training_state.json", "weights.safetensors"), names(dir), "no temporary left");

        CliRunner.Result r = run("train", "--resume", dir.toString(), "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        Path straight = tmp.resolve("straight");
        train(straight, settings.toArray(String[]::new));
        for (String f : new String[] {"weights.safetensors", "optimizer.safetensors"}) {
            assertArrayEquals(Files.readAllBytes(straight.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        assertEquals(historyWithoutTimes(straight), historyWithoutTimes(dir));
    }

    @Test
    void aFullDiskStopsTheRunWithExit4AndKeepsTheLastCheckpoint() throws Exception {
        Assumptions.assumeTrue(isRoot(), "mounting a small tmpfs needs root");
        Path disk = tmp.resolve("disk");
        Files.createDirectories(disk);
        Assumptions.assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString()),
                "mounting a 2 MB tmpfs failed (no CAP_SYS_ADMIN)");
        try {
            // 64 -> 1536 -> 10 with Adam: weights 0.46 MB, optimizer 0.92 MB; the second checkpoint's temporaries
            // do not fit beside the first checkpoint.
            Path spec = tmp.resolve("wide.json");
            Files.writeString(spec, "{\"input_shape\": [64], \"layers\": [{\"type\": \"dense\", \"units\": 1536, "
                    + "\"activation\": \"relu\"}, {\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}], "
                    + "\"loss\": \"sparse_categorical_crossentropy\", \"optimizer\": {\"type\": \"adam\", \"lr\": 0.001}}");
            Path dir = disk.resolve("run");
            CliRunner.Result r = run("train", "--backend", "cpu", "--model", spec.toString(), "--epochs", "3",
                    "--out", dir.toString());
            assertEquals(4, r.code(), r.err());
            String last = r.lastErrLine();
            assertTrue(last.startsWith("error: cannot write " + dir.resolve("")) && last.endsWith(": No space left on device"),
                    r.err());
            assertFalse(r.err().contains("\tat "), r.err());
            assertEquals(1, json(dir.resolve("training_state.json")).get("epochs_completed").asInt());
            assertEquals(List.of("checkpoint.json", "history.csv", "model.json", "optimizer.safetensors",
                    "training_state.json", "weights.safetensors"), names(dir), "the temporaries were removed");
            var manifest = CheckpointCommit.manifest(dir);
            for (String f : new String[] {Checkpoints.WEIGHTS, Checkpoints.OPTIMIZER, Checkpoints.STATE}) {
                assertEquals(dir.resolve(f), CheckpointCommit.locate(dir, manifest, f), f + " is the committed file");
            }
        } finally {
            sh("umount", disk.toString());
        }
    }

    @Test
    void aFinishedRunWithoutItsReportsIsFinishedByResume() throws IOException {
        Path dir = tmp.resolve("run");
        train(dir, "--epochs", "2");
        byte[] metrics = Files.readAllBytes(dir.resolve("metrics.json"));
        Map<String, byte[]> before = CliResumeTest.snapshot(dir);
        Files.delete(dir.resolve("metrics.json"));
        Files.delete(dir.resolve("curves.png"));
        CliRunner.Result r = run("train", "--resume", dir.toString(), "--backend", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("all 2 epochs were done but the reports were not written; writing metrics.json and "
                + "curves.png without training"), r.err());
        assertTrue(Files.exists(dir.resolve("curves.png")));
        assertEquals(json(dir.resolve("metrics.json")).get("test_accuracy").asDouble(),
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(metrics).get("test_accuracy").asDouble());
        for (String f : new String[] {"weights.safetensors", "optimizer.safetensors", "training_state.json", "history.csv"}) {
            assertArrayEquals(before.get(f), Files.readAllBytes(dir.resolve(f)), f + " unchanged: nothing trained");
        }
        assertUserError("has already done all 2 of its epochs", "train", "--resume", dir.toString(), "--backend", "cpu");
    }

    private static boolean sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
