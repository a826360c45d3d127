package somnium.rl.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import somnium.rl.io.AtomicFiles;

/**
 * PNG plots of a run's metrics with XChart: {@code returns.png} (every scalar whose name ends in
 * {@code return}) and {@code losses.png} (every scalar whose name contains {@code loss}), against
 * environment steps.
 */
public final class Plots {
    public static final int WIDTH = 900, HEIGHT = 540;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /** Writes the standard plots of {@code metricsFile} into {@code outDir}; returns the files written. */
    public static List<Path> write(Path metricsFile, Path outDir) throws IOException {
        List<MetricsLog.Record> recs = MetricsLog.read(metricsFile);
        List<Path> out = new ArrayList<>();
        Path r = outDir.resolve("returns.png");
        if (plot(recs, k -> k.endsWith("return"), "Episode return", "return", r)) out.add(r);
        Path l = outDir.resolve("losses.png");
        if (plot(recs, k -> k.contains("loss"), "Losses", "loss", l)) out.add(l);
        return out;
    }

    /** One chart of the matching series; false (and no file) when no record has a matching key. */
    public static boolean plot(List<MetricsLog.Record> recs, Predicate<String> keys, String title, String yTitle, Path file) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (MetricsLog.Record rec : recs)
            for (Map.Entry<String, Double> e : rec.scalars().entrySet())
                if (keys.test(e.getKey()) && Double.isFinite(e.getValue()))
                    series.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[]{rec.step(), e.getValue()});
        if (series.isEmpty()) return false;
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("environment steps").yAxisTitle(yTitle).build();
        chart.getStyler().setMarkerSize(4);
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            List<double[]> pts = e.getValue();
            double[] x = new double[pts.size()], y = new double[pts.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = pts.get(i)[0];
                y[i] = pts.get(i)[1];
            }
            chart.addSeries(e.getKey(), x, y).setMarker(x.length > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, o -> o.write(png));
        return true;
    }
}
