package io.myelin.cli;

import io.myelin.backend.Backend;
import io.myelin.loss.Losses;
import io.myelin.nn.Dense;
import io.myelin.optim.Sgd;
import io.myelin.testing.UseBackend;
import io.myelin.train.EncodedData;
import io.myelin.train.FitConfig;
import io.myelin.train.Sequential;
import io.myelin.train.callbacks.LearningRateRangeTest;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lr_find.png's chart: loss and smoothed loss against lr on a log axis, the suggestion as one marked point. */
class LrFindChartTest {
    @Test
    void theChartShowsBothCurvesAndMarksTheSuggestion(@UseBackend("cpu") Backend cpu) {
        Random r = new Random(3);
        int n = 64;
        float[] x = new float[n * 2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) r.nextGaussian();
            x[2 * i + 1] = (float) r.nextGaussian();
            y[i] = 2 * x[2 * i] - x[2 * i + 1];
        }
        LearningRateRangeTest t = new LearningRateRangeTest(1e-3, 3, 40);
        try (Sequential m = new Sequential(cpu, 2, 1)) {
            m.add(new Dense(1));
            m.compile(Losses.create("mse"), Sgd.builder().learningRate(0.1f).build(), List.of());
            m.fit(new EncodedData(x, y, n), FitConfig.builder().epochs(40).batchSize(n).shuffle(false).callback(t).build());
        }
        XYChart chart = LrFindChart.chart(t);
        assertTrue(chart.getStyler().isXAxisLogarithmic());
        List<String> names = List.copyOf(chart.getSeriesMap().keySet());
        assertEquals(3, names.size(), names.toString());
        assertEquals(List.of("loss", "smoothed loss"), names.subList(0, 2));
        assertTrue(names.get(2).startsWith(LrFindChart.SUGGESTION), names.toString());
        XYSeries mark = chart.getSeriesMap().get(names.get(2));
        assertEquals(t.suggestion(), mark.getXData()[0]);
        assertEquals(t.curve().get(t.suggestionIndex()).smoothedLoss(), mark.getYData()[0]);
        long finite = t.curve().stream().filter(p -> Double.isFinite(p.loss())).count();
        assertEquals(finite, chart.getSeriesMap().get("loss").getXData().length, "every finite step is drawn");
    }
}
