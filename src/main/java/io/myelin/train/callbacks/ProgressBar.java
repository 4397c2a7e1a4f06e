package io.myelin.train.callbacks;

import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Shows each epoch's progress, speed and running loss: redrawn in place on a terminal, and one line per
 * epoch otherwise (logs, CI). {@code new ProgressBar(System.err)}.
 */
public final class ProgressBar implements Callback {
    private static final int WIDTH = 28;
    private final PrintStream out;
    private final boolean interactive;
    private long epochStart;
    private long stepsDone;
    private long lastDraw;

    public ProgressBar(PrintStream out) {
        this(out, System.console() != null);
    }

    public ProgressBar(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void onEpochBegin(TrainingState state, int epoch) {
        epochStart = System.nanoTime();
        stepsDone = 0;
    }

    @Override
    public void onBatchEnd(TrainingState state, long step) {
        stepsDone++;
        long now = System.nanoTime();
        if (interactive && (now - lastDraw > 100_000_000L || stepsDone == state.stepsPerEpoch())) {
            lastDraw = now;
            out.print("\r" + line(state, now));
            out.flush();
        }
    }

    private String line(TrainingState state, long now) {
        long total = state.stepsPerEpoch();
        int filled = (int) (WIDTH * stepsDone / Math.max(1, total));
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        double secs = (now - epochStart) / 1e9;
        return String.format(Locale.ROOT, "epoch %d/%d [%s] %d/%d  %.0f steps/s  loss %.4f", state.epoch() + 1,
                state.epochs(), bar, stepsDone, total, stepsDone / Math.max(secs, 1e-9), state.runningLoss());
    }

    @Override
    public void onEpochEnd(TrainingState state, int epoch, Map<String, Double> logs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "epoch %d/%d  %.2fs", epoch + 1, state.epochs(), logs.get("epoch_seconds")));
        logs.forEach((k, v) -> {
            if (!k.equals("epoch_seconds")) {
                sb.append(String.format(Locale.ROOT, "  %s %.4g", k, v));
            }
        });
        if (interactive) {
            out.print("\r" + " ".repeat(100) + "\r");
        }
        out.println(sb);
    }
}
