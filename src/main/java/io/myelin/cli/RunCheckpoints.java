package io.myelin.cli;

import io.myelin.io.AtomicFiles;
import io.myelin.io.CheckpointCommit;
import io.myelin.io.OutputWriteException;
import io.myelin.train.Callback;
import io.myelin.train.Sequential;
import io.myelin.train.TrainingState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Keeps the run directory of {@code myelin train} resumable while the run goes on: after every
 * {@code every}-th completed epoch ({@code onEpochCommitted}, once every callback has updated its state) it
 * writes the checkpoint ({@link RunOutputs#checkpointFiles}: model.json, weights, optimizer and training
 * state, history.csv). The first such write removes the metrics.json and curves.png of an earlier finish,
 * so those two are present exactly when the run finished.
 *
 * <p>The training thread only copies the state to the host; a background thread commits the files ({@link
 * CheckpointCommit}: atomic as a group, fsync included) while the next epoch trains. A failed write (a full
 * disk) stops training at the next step ({@link #onBatchBegin}) with its {@link OutputWriteException}; the
 * directory keeps its last complete checkpoint. Every later write into the directory, the final one
 * included, first waits for that write (and rethrows its failure), so writes land in order. Ctrl-C (SIGINT) or
 * SIGTERM runs {@link #interrupted} as a shutdown hook: it waits for a write in progress, closes the
 * directory to later writes and says where to resume from; the JVM halts when the hook returns. An
 * interrupt therefore leaves the files of the last checkpointed epoch.
 *
 * <pre>{@code
 * try (RunCheckpoints c = new RunCheckpoints(dir, 1, epochs, -1,
 *         net -> RunOutputs.checkpointFiles(dir, spec, net, loaded, training))) {
 *     History h = model.fit(train, FitConfig.builder().epochs(epochs).callback(c).build());
 *     c.write(() -> RunOutputs.write(dir, spec, model, loaded, training, h, metrics, true));
 * }
 * }</pre>
 */
final class RunCheckpoints implements Callback, AutoCloseable {
    private final Path dir;
    private final int every;
    private final int totalEpochs;
    private final Function<Sequential, Map<Path, AtomicFiles.Content>> checkpoint;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "myelin-checkpoint");
        t.setDaemon(true);
        return t;
    });
    private final Thread hook = new Thread(this::interrupted, "myelin-interrupt");
    /** Guards {@link #pending} and {@link #closed}; whoever holds it may start a write. */
    private final Object lock = new Object();
    private Future<?> pending = CompletableFuture.completedFuture(null);
    private boolean closed;
    private final List<Long> pauseNanos = new ArrayList<>();
    // Written by the writer thread; read after pending.get(), which orders the accesses.
    private int savedEpochs;
    private boolean reportsCleared;
    private final List<Long> writeNanos = new ArrayList<>();

    /**
     * @param every       checkpoint after every {@code every}-th epoch; 0: only the final write
     * @param savedEpochs the epochs of the checkpoint already in {@code dir} (a run resumed in place), else -1
     * @param checkpoint  the checkpoint files of the model's last completed epoch, with host copies of its state
     */
    RunCheckpoints(Path dir, int every, int totalEpochs, int savedEpochs,
                   Function<Sequential, Map<Path, AtomicFiles.Content>> checkpoint) {
        this.dir = dir;
        this.every = every;
        this.totalEpochs = totalEpochs;
        this.savedEpochs = savedEpochs;
        this.checkpoint = checkpoint;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Where and how often checkpoints go, and how to resume; printed when training starts. */
    String describe() {
        if (every == 0) {
            return "checkpoints: " + dir + ", only at the end (--checkpoint-every 0): an interrupted run cannot be resumed";
        }
        return "checkpoints: " + dir + ", after every " + (every == 1 ? "epoch" : every + " epochs")
                + "; an interrupted run continues with: scripts/myelin train --resume " + dir;
    }

    @Override
    public void onEpochCommitted(TrainingState state, int epoch, Map<String, Double> logs) {
        if (every == 0 || (epoch + 1) % every != 0) {
            return;
        }
        long t0 = System.nanoTime();
        synchronized (lock) {
            awaitTurn();
            Map<Path, AtomicFiles.Content> files = checkpoint.apply(state.model());
            pauseNanos.add(System.nanoTime() - t0);
            pending = writer.submit(() -> {
                long t1 = System.nanoTime();
                CheckpointCommit.commit(files);
                clearReports();
                savedEpochs = epoch + 1;
                writeNanos.add(System.nanoTime() - t1);
                return null;
            });
        }
    }

    /** Stops training at the first step after a background write failed: its exception ends the fit. */
    @Override
    public void onBatchBegin(TrainingState state, long step) {
        Future<?> p = pending;
        if (p.isDone()) {
            synchronized (lock) {
                awaitTurn();
            }
        }
    }

    /** Runs {@code write} after the checkpoint in progress; after an interrupt it waits for the JVM to halt instead. */
    void write(Runnable write) {
        synchronized (lock) {
            awaitTurn();
            write.run();
        }
    }

    /** The epochs of the checkpoint in the directory (once the write in progress is done), -1 if there is none. */
    int savedEpochs() {
        synchronized (lock) {
            awaitTurn();
            return savedEpochs;
        }
    }

    /**
     * How many checkpoints were written and the median cost of one (the first is slower: classes load, code is
     * not yet compiled); null if none was written. Call after a {@link #write}.
     */
    String cost() {
        return writeNanos.isEmpty() ? null : String.format(Locale.ROOT, "checkpoints: %d written to %s; median %.1f ms "
                + "of training paused (copying the state) and %.1f ms of writing in the background", writeNanos.size(),
                dir, median(pauseNanos) / 1e6, median(writeNanos) / 1e6);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** Under the lock: waits out an interrupt (the JVM is halting) and the write in progress. */
    private void awaitTurn() {
        try {
            while (closed) {
                lock.wait();
            }
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the checkpoint in " + dir, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new OutputWriteException(dir, io);
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("checkpoint to " + dir + " failed: " + e.getCause(), e.getCause());
        }
    }

    private void clearReports() {
        if (!reportsCleared) {
            for (String name : new String[] {"metrics.json", "curves.png"}) {
                try {
                    Files.deleteIfExists(dir.resolve(name));
                } catch (IOException e) {
                    throw new OutputWriteException(dir.resolve(name), e);
                }
            }
            reportsCleared = true;
        }
    }

    /** The shutdown hook: lets a write in progress finish, stops further writes, says what the directory holds. */
    private void interrupted() {
        synchronized (lock) {
            closed = true;
            try {
                pending.get();
            } catch (InterruptedException | ExecutionException e) {
                // The directory keeps the checkpoint before the failed write; savedEpochs still names it.
            }
            String status;
            if (savedEpochs < 0) {
                status = "nothing was saved to " + dir + " (no epoch was checkpointed yet)";
            } else if (savedEpochs < totalEpochs) {
                status = dir + " holds the checkpoint after epoch " + savedEpochs + " of " + totalEpochs
                        + "; continue with: scripts/myelin train --resume " + dir;
            } else {
                status = dir + " holds the checkpoint after the last epoch, without metrics.json and curves.png; "
                        + "test it with: scripts/myelin evaluate " + dir;
            }
            System.err.println(System.lineSeparator() + "interrupted: " + status);
            System.err.flush();
        }
    }

    /** Waits for the write in progress (its failure was or will be reported by the run), then removes the hook. */
    @Override
    public void close() {
        synchronized (lock) {
            if (!closed) {
                try {
                    pending.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException e) {
                    // Rethrown by awaitTurn on the normal path; here another exception is already on its way.
                }
            }
        }
        writer.shutdown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run; the JVM halts after it.
        }
    }
}
