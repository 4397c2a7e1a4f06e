package io.myelin.cli;

import io.myelin.train.History;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code curves.png}: one panel per quantity, so each has its own scale (a regression's MAE of 3 is not drawn
 * flat under a loss of 11,000): the loss first, then each metric, each with its {@code val_} twin, then the
 * learning rate; panels side by side, two per row.
 *
 * <pre>{@code
 * byte[] png = TrainingCurves.png(history);
 * }</pre>
 */
final class TrainingCurves {
    /** Size of one panel in pixels. */
    static final int PANEL_WIDTH = 560;
    static final int PANEL_HEIGHT = 400;
    static final int COLUMNS = 2;

    private TrainingCurves() {
    }

    /** The panels, in order: loss, metrics, learning rate; each titled with its quantity. */
    static List<XYChart> panels(History h) {
        Map<String, List<String>> byPanel = new LinkedHashMap<>();
        byPanel.put("loss", new ArrayList<>());
        for (String key : h.all().keySet()) {
            if (key.equals("epoch_seconds") || key.equals("lr")) {
                continue;
            }
            String panel = key.startsWith("val_") ? key.substring(4) : key;
            byPanel.computeIfAbsent(panel, k -> new ArrayList<>()).add(key);
        }
        if (h.all().containsKey("lr")) {
            byPanel.put("learning rate", List.of("lr"));
        }
        double[] epochs = new double[h.epochs()];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = i + 1;
        }
        List<XYChart> charts = new ArrayList<>();
        byPanel.forEach((title, keys) -> {
            if (keys.isEmpty()) {
                return;
            }
            XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                    .xAxisTitle("epoch").yAxisTitle(title).build();
            chart.getStyler().setLegendVisible(keys.size() > 1);
            if (keys.equals(List.of("lr"))) {
                chart.getStyler().setYAxisDecimalPattern("0.###E0");
            }
            for (String key : keys) {
                chart.addSeries(key, epochs, h.get(key).stream().mapToDouble(Double::doubleValue).toArray());
            }
            charts.add(chart);
        });
        if (charts.isEmpty()) {  // no epoch recorded: one empty loss panel
            charts.add(new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title("loss").xAxisTitle("epoch")
                    .yAxisTitle("loss").build());
        }
        return charts;
    }

    /** The panels as one PNG: {@link #COLUMNS} per row (one when there is a single panel), a blank cell left over. */
    static byte[] png(History h) throws IOException {
        List<XYChart> charts = panels(h);
        int cols = Math.min(COLUMNS, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        BufferedImage image = new BufferedImage(cols * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(charts.get(0).getStyler().getChartBackgroundColor());
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), i % cols * PANEL_WIDTH, i / cols * PANEL_HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
