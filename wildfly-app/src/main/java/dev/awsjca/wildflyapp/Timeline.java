package dev.awsjca.wildflyapp;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's timeline picture: commits per 100 ms by node, the crash, the promotion, the first write the new
 * writer took, the first commit the application got from it, and each failed attempt as a mark. Times are in
 * seconds from the crash (from the start when there was none).
 */
final class Timeline {

    static final long BUCKET_MS = 100;
    static final int WIDTH = 1400;
    static final int HEIGHT = 700;

    /** What the testkit reported of the failover, in epoch ms (0: unknown), and the writer before it. */
    record Events(long crashAt, long promotedAt, long writableAt, String oldWriter) {
    }

    private Timeline() {
    }

    /** Commits per bucket of {@link #BUCKET_MS} from {@code start} (inclusive) to {@code end} (exclusive). */
    static long[] perBucket(Collection<Long> times, long start, long end) {
        int buckets = (int) Math.max(1, (end - start + BUCKET_MS - 1) / BUCKET_MS);
        long[] counts = new long[buckets];
        for (long t : times) {
            if (t >= start && t < end) {
                counts[(int) ((t - start) / BUCKET_MS)]++;
            }
        }
        return counts;
    }

    /** The first commit at or after the crash on a node other than the old writer, or 0. */
    static long firstCommitOnNewWriter(Map<String, ? extends Collection<Long>> commitsByNode, Events e) {
        long first = Long.MAX_VALUE;
        for (Map.Entry<String, ? extends Collection<Long>> n : commitsByNode.entrySet()) {
            if (n.getKey().equals(e.oldWriter())) {
                continue;
            }
            for (long t : n.getValue()) {
                if (t >= e.crashAt() && t < first) {
                    first = t;
                }
            }
        }
        return first == Long.MAX_VALUE ? 0 : first;
    }

    static byte[] png(Map<String, ? extends Collection<Long>> commitsByNode, List<OrdersWorkload.Failure> failures,
                      long start, long end, Events e) throws IOException {
        long base = e.crashAt() > 0 ? e.crashAt() : start;
        XYSeriesCollection commits = new XYSeriesCollection();
        for (Map.Entry<String, ? extends Collection<Long>> n : new TreeMap<>(commitsByNode).entrySet()) {
            String role = n.getKey().equals(e.oldWriter()) ? " (old writer)" : "";
            XYSeries s = new XYSeries("commits on instance " + n.getKey() + role, false, false);
            long[] counts = perBucket(n.getValue(), start, end);
            for (int i = 0; i < counts.length; i++) {
                s.add(seconds(start + i * BUCKET_MS, base), counts[i]);
            }
            commits.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                "What the application committed, 100 ms at a time, through a writer crash",
                e.crashAt() > 0 ? "seconds from the crash" : "seconds from the start", "commits per 100 ms", commits);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // whole commits
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);                  // failure marks over the lines
        XYStepRenderer steps = new XYStepRenderer();
        steps.setDefaultStroke(new BasicStroke(1.6f));
        steps.setAutoPopulateSeriesStroke(false);
        plot.setRenderer(0, steps);

        // each failed attempt as a mark just under the zero line, one series (shape, colour) per stage and kind
        Map<String, XYSeries> byKind = new TreeMap<>();
        for (OrdersWorkload.Failure f : failures) {
            String key = f.stage() + " " + f.kind();
            byKind.computeIfAbsent(key, k -> new XYSeries("failed " + k, false, true)).add(seconds(f.at(), base), 0.0);
        }
        if (!byKind.isEmpty()) {
            XYSeriesCollection marks = new XYSeriesCollection();
            byKind.forEach((k, s) -> {
                s.setKey(s.getKey() + " x" + s.getItemCount());
                marks.addSeries(s);
            });
            XYLineAndShapeRenderer shapes = new XYLineAndShapeRenderer(false, true);
            plot.setDataset(1, marks);
            plot.setRenderer(1, shapes);
        }

        mark(plot, e.crashAt(), base, "crash", new Color(200, 0, 0), 0);
        mark(plot, e.promotedAt(), base, "promoted", new Color(230, 120, 0), 1);
        mark(plot, e.writableAt(), base, "new writer takes writes", new Color(0, 130, 0), 2);
        mark(plot, firstCommitOnNewWriter(commitsByNode, e), base, "first commit on the new writer", new Color(0, 70, 200), 3);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        return out.toByteArray();
    }

    /** A vertical line at an event, labelled; labels are stacked so that events a few ms apart stay legible. */
    private static void mark(XYPlot plot, long at, long base, String label, Color color, int row) {
        if (at <= 0) {
            return;
        }
        ValueMarker m = new ValueMarker(seconds(at, base), color, new BasicStroke(1.4f));
        m.setLabel(String.format(Locale.ROOT, "%s %+.3f s", label, seconds(at, base)));
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        m.setLabelPaint(color);
        m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        m.setLabelOffset(new org.jfree.chart.ui.RectangleInsets(4 + row * 16, 4, 0, 0));
        plot.addDomainMarker(m);
    }

    private static double seconds(long at, long base) {
        return (at - base) / 1000.0;
    }
}
