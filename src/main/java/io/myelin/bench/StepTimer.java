package io.myelin.bench;

import io.myelin.backend.Backend;
import io.myelin.train.Callback;
import io.myelin.train.TrainingState;

import java.util.Arrays;

/**
 * Times training steps of {@code fit} from {@code onBatchBegin} to {@code onBatchEnd}: batch gather,
 * forward, backward, optimizer update and loss/metric accumulation. Steps with a global index below
 * {@code firstTimed} are warm-up; after {@code firstTimed + count} steps it asks fit to stop at the end
 * of the epoch. With {@code synchronize} it waits for the backend at both ends of a step, so a device
 * backend's time is the work, not the launches (the CPU backend is synchronous anyway).
 */
final class StepTimer implements Callback {
    private final long firstTimed;
    private final int count;
    private final boolean synchronize;
    private double[] millis = new double[256];
    private int recorded;
    private long start;

    StepTimer(long firstTimed, int count, boolean synchronize) {
        this.firstTimed = firstTimed;
        this.count = count;
        this.synchronize = synchronize;
    }

    @Override
    public void onBatchBegin(TrainingState state, long step) {
        sync(state);
        start = System.nanoTime();
    }

    @Override
    public void onBatchEnd(TrainingState state, long step) {
        sync(state);
        long end = System.nanoTime();
        if (step >= firstTimed && recorded < count) {
            if (recorded == millis.length) {
                millis = Arrays.copyOf(millis, 2 * recorded);
            }
            millis[recorded++] = (end - start) / 1e6;
            if (recorded == count) {
                state.requestStop("benchmark: " + count + " steps timed");
            }
        }
    }

    private void sync(TrainingState state) {
        if (synchronize) {
            Backend be = state.model().backend();
            be.synchronize();
        }
    }

    /** Step times in milliseconds, in order. */
    double[] millis() {
        return Arrays.copyOf(millis, recorded);
    }
}
