package io.myelin.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small measurement helpers: peak RSS from /proc/self/status and medians. */
class MeasurementTest {
    @Test
    void readsVmHwmInMebibytes() {
        String status = "Name:\tjava\nVmPeak:\t 9999999 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";
        assertEquals(200.0, PeakRss.parse(status).orElseThrow(), 1e-9);
        assertTrue(PeakRss.parse("Name:\tjava\n").isEmpty());
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, Stats.median(new double[] {3, 1, 2}), 0);
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}), 0);
        assertTrue(Double.isNaN(Stats.median(new double[0])));
    }
}
