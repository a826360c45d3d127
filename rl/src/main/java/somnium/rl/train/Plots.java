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

    /**
     * A learning-curve chart comparing groups of runs: for each group (e.g. one algorithm on one task, several
     * seeds), the mean of {@code key} over the group's runs at each step where every run has a value, plus
     * the per-step minimum and maximum as dashed series. Returns false (no file) when no run has the key.
     */
    public static boolean compare(Map<String, List<Path>> groups, String key, String title, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("environment steps").yAxisTitle(key).build();
        chart.getStyler().setMarkerSize(4);
        boolean any = false;
        for (Map.Entry<String, List<Path>> g : groups.entrySet()) {
            List<java.util.TreeMap<Long, Double>> runs = new ArrayList<>();
            for (Path metrics : g.getValue()) {
                java.util.TreeMap<Long, Double> pts = new java.util.TreeMap<>();
                for (MetricsLog.Record rec : MetricsLog.read(metrics)) {
                    Double v = rec.scalars().get(key);
                    if (v != null && Double.isFinite(v)) pts.put(rec.step(), v);
                }
                if (!pts.isEmpty()) runs.add(pts);
            }
            if (runs.isEmpty()) continue;
            java.util.TreeSet<Long> steps = new java.util.TreeSet<>(runs.get(0).keySet());
            for (var r : runs) steps.retainAll(r.keySet());
            if (steps.isEmpty()) continue;
            double[] x = new double[steps.size()], mean = new double[x.length], lo = new double[x.length], hi = new double[x.length];
            int i = 0;
            for (long st : steps) {
                double sum = 0, mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY;
                for (var r : runs) {
                    double v = r.get(st);
                    sum += v;
                    mn = Math.min(mn, v);
                    mx = Math.max(mx, v);
                }
                x[i] = st;
                mean[i] = sum / runs.size();
                lo[i] = mn;
                hi[i] = mx;
                i++;
            }
            String label = g.getKey() + " (" + runs.size() + (runs.size() == 1 ? " run)" : " runs)");
            chart.addSeries(label, x, mean).setMarker(x.length > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            if (runs.size() > 1) {
                chart.addSeries(g.getKey() + " min", x, lo).setMarker(SeriesMarkers.NONE)
                        .setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
                chart.addSeries(g.getKey() + " max", x, hi).setMarker(SeriesMarkers.NONE)
                        .setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
            }
            any = true;
        }
        if (!any) return false;
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, o -> o.write(png));
        return true;
    }
}
