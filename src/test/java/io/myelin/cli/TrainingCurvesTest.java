package io.myelin.cli;

import io.myelin.train.History;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** curves.png: loss, each metric and the learning rate on panels of their own. */
class TrainingCurvesTest {
    private static History regressionHistory() {
        History h = new History();
        for (int e = 0; e < 3; e++) {
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", 11000.0 - 1000 * e);
            logs.put("mae", 3.0 - e);
            logs.put("val_loss", 12000.0 - 900 * e);
            logs.put("val_mae", 3.5 - e);
            logs.put("lr", 0.01 / (e + 1));
            logs.put("epoch_seconds", 0.2);
            h.record(logs);
        }
        return h;
    }

    @Test
    void eachQuantityHasItsOwnPanel() {
        List<XYChart> panels = TrainingCurves.panels(regressionHistory());
        assertEquals(List.of("loss", "mae", "learning rate"), panels.stream().map(XYChart::getTitle).toList());
        assertEquals(List.of("loss", "val_loss"), List.copyOf(panels.get(0).getSeriesMap().keySet()));
        assertEquals(List.of("mae", "val_mae"), List.copyOf(panels.get(1).getSeriesMap().keySet()));
        assertEquals(List.of("lr"), List.copyOf(panels.get(2).getSeriesMap().keySet()));
        double[] mae = panels.get(1).getSeriesMap().get("mae").getYData();
        assertEquals(3.0, mae[0]);
        assertEquals(1.0, mae[2]);
        assertEquals(3, panels.get(0).getSeriesMap().get("loss").getXData().length);
    }

    @Test
    void thePngHoldsThePanelsTwoPerRow() throws IOException {
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(TrainingCurves.png(regressionHistory())));
        assertNotNull(png);
        assertEquals(2 * TrainingCurves.PANEL_WIDTH, png.getWidth());
        assertEquals(2 * TrainingCurves.PANEL_HEIGHT, png.getHeight());

        History lossOnly = new History();
        lossOnly.record(new LinkedHashMap<>(Map.of("loss", 1.0)));
        BufferedImage one = ImageIO.read(new ByteArrayInputStream(TrainingCurves.png(lossOnly)));
        assertEquals(TrainingCurves.PANEL_WIDTH, one.getWidth());
        assertEquals(TrainingCurves.PANEL_HEIGHT, one.getHeight());
        BufferedImage empty = ImageIO.read(new ByteArrayInputStream(TrainingCurves.png(new History())));
        assertEquals(TrainingCurves.PANEL_WIDTH, empty.getWidth(), "no epoch: one empty panel, no error");
    }
}
