package io.myelin.cli;

import io.myelin.train.callbacks.LearningRateRangeTest;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * {@code lr_find.png}: loss and smoothed loss against the learning rate on a log axis, the suggested rate
 * marked; the y axis ends a little above the highest smoothed loss before divergence, so the diverged tail
 * does not flatten the curve.
 *
 * <pre>{@code
 * byte[] png = LrFindChart.png(rangeTest);
 * }</pre>
 */
final class LrFindChart {
    static final int WIDTH = 800;
    static final int HEIGHT = 500;
    static final String SUGGESTION = "suggested lr";

    private LrFindChart() {
    }

    static XYChart chart(LearningRateRangeTest test) {
        List<LearningRateRangeTest.Point> points = test.curve().stream()
                .filter(p -> Double.isFinite(p.loss()) && Double.isFinite(p.smoothedLoss())).toList();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("LR range test")
                .xAxisTitle("learning rate (log scale)").yAxisTitle("loss").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(9);
        if (points.isEmpty()) {
            return chart;
        }
        double[] lr = points.stream().mapToDouble(LearningRateRangeTest.Point::lr).toArray();
        XYSeries raw = chart.addSeries("loss", lr, points.stream().mapToDouble(LearningRateRangeTest.Point::loss).toArray());
        raw.setMarker(SeriesMarkers.NONE);
        XYSeries smooth = chart.addSeries("smoothed loss", lr,
                points.stream().mapToDouble(LearningRateRangeTest.Point::smoothedLoss).toArray());
        smooth.setMarker(SeriesMarkers.NONE);
        int min = test.minimumIndex();
        double best = test.curve().get(min).smoothedLoss();
        double top = points.stream().mapToDouble(LearningRateRangeTest.Point::smoothedLoss)
                .filter(s -> s <= LearningRateRangeTest.DIVERGENCE_FACTOR * best).max().orElse(best);
        double bottom = points.stream().mapToDouble(LearningRateRangeTest.Point::loss).min().orElse(best);
        if (top > bottom) {
            chart.getStyler().setYAxisMax(top + 0.05 * (top - bottom));
            chart.getStyler().setYAxisMin(bottom);
        }
        int s = test.suggestionIndex();
        if (s >= 0) {
            LearningRateRangeTest.Point p = test.curve().get(s);
            XYSeries mark = chart.addSeries(String.format(Locale.ROOT, "%s %.3g", SUGGESTION, p.lr()),
                    new double[] {p.lr()}, new double[] {p.smoothedLoss()});
            mark.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            mark.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    static byte[] png(LearningRateRangeTest test) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart(test), BitmapEncoder.BitmapFormat.PNG);
    }
}
