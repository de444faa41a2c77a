package dev.awsjca.reliability.soak;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The soak at a glance: stacked panels sharing the time axis (the adapter's threads, sessions per node, heap after
 * GC, the pools' connections, orders and reads per second), each fault a shaded band from its injection to the
 * cluster healed, numbered in the top panel, and each bound a dashed line.
 */
final class SoakChart {

    private static final Color FAULT = new Color(220, 60, 60, 45);
    private static final Color BOUND = new Color(200, 40, 40);
    private static final Color[] LINES = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(148, 103, 189), new Color(140, 86, 75)};

    private final SoakSamples samples;
    private final List<SoakFault> faults;
    private final Map<String, SoakBounds.Metric> bounds = new LinkedHashMap<>();
    private final double startMs;

    SoakChart(SoakSamples samples, List<SoakFault> faults, List<SoakBounds.Metric> metrics) {
        this.samples = samples;
        this.faults = faults;
        metrics.forEach(m -> bounds.put(m.columns().get(0), m));
        double[] t = samples.column("epoch_ms");
        double[] s = samples.column("t_s");
        this.startMs = t.length == 0 ? 0 : t[0] - s[0] * 1000;
    }

    void write(Path png, String title, String subtitle) throws IOException {
        NumberAxis time = new NumberAxis("minutes since the workload started");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(8);
        XYPlot threads = panel("adapter threads", Map.of("aws-jca-* threads", "adapter_threads"), "adapter_threads");
        numberFaults(threads);
        plot.add(threads, 2);
        Map<String, String> sessions = new LinkedHashMap<>();
        samples.nodes().forEach(n -> sessions.put(n, "sessions_" + n));
        sessions.put("adapter's monitors (all nodes)", "monitor_sessions");
        plot.add(panel("DB sessions of the app", sessions, "sessions_" + samples.nodes().get(0)), 2);
        plot.add(panel("heap after GC, MB", Map.of("heap used after a full GC", "heap_after_gc_mb"), "heap_after_gc_mb"), 2);
        Map<String, String> pools = new LinkedHashMap<>();
        pools.put("orders: held", "pool_orders_active");
        pools.put("orders: lent", "pool_orders_in_use");
        pools.put("orders-reader: held", "pool_reader_active");
        pools.put("orders-reader: lent", "pool_reader_in_use");
        plot.add(panel("pool connections", pools, "pool_orders_active"), 2);
        plot.add(throughput(), 3);

        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1400, 1250);
    }

    private XYPlot panel(String label, Map<String, String> series, String boundColumn) {
        XYSeriesCollection data = new XYSeriesCollection();
        double[] minutes = samples.minutes();
        series.forEach((name, column) -> {
            XYSeries s = new XYSeries(name, false, true);
            double[] v = samples.column(column);
            for (int i = 0; i < v.length; i++) {
                s.add(minutes[i], Double.isNaN(v[i]) ? null : v[i]); // a gap where the sample could not be read
            }
            data.addSeries(s);
        });
        XYPlot p = plot(label, data);
        SoakBounds.Metric bound = bounds.get(boundColumn);
        if (bound != null) {
            ValueMarker m = new ValueMarker(bound.max(), BOUND, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
            m.setLabel("bound " + SoakChecks.num(bound.max()));
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            m.setLabelPaint(BOUND);
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            p.addRangeMarker(m);
            ((NumberAxis) p.getRangeAxis()).setUpperBound(bound.max() * 1.15);
            ((NumberAxis) p.getRangeAxis()).setLowerBound(0);
        }
        return p;
    }

    private XYPlot throughput() {
        XYSeriesCollection data = new XYSeriesCollection();
        double[] minutes = samples.minutes();
        for (String[] s : new String[][] {{"orders committed / s", "commits"}, {"reads / s", "reads"}}) {
            XYSeries series = new XYSeries(s[0], false, true);
            double[] rate = samples.rate(s[1]);
            for (int i = 1; i < rate.length; i++) {
                series.add(minutes[i], Double.isNaN(rate[i]) ? null : rate[i]);
            }
            data.addSeries(series);
        }
        XYPlot p = plot("per second (between samples)", data);
        if (samples.has("load1")) {
            // the machine's load beside the throughput: on shared cores a dip is as often the neighbours as a fault
            XYSeriesCollection load = new XYSeriesCollection();
            XYSeries series = new XYSeries("machine load average (1 min), right axis", false, true);
            double[] v = samples.column("load1");
            for (int i = 0; i < v.length; i++) {
                series.add(minutes[i], Double.isNaN(v[i]) ? null : v[i]);
            }
            load.addSeries(series);
            NumberAxis axis = new NumberAxis("load average");
            axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            p.setRangeAxis(1, axis);
            p.setDataset(1, load);
            p.mapDatasetToRangeAxis(1, 1);
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
            r.setSeriesPaint(0, new Color(150, 150, 150));
            r.setSeriesStroke(0, new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                    new float[] {3f, 3f}, 0f));
            p.setRenderer(1, r);
        }
        return p;
    }

    private XYPlot plot(String label, XYSeriesCollection data) {
        NumberAxis range = new NumberAxis(label);
        range.setAutoRangeIncludesZero(true);
        range.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, LINES[i % LINES.length]);
            r.setSeriesStroke(i, new BasicStroke(1.6f));
        }
        XYPlot p = new XYPlot(data, null, range, r);
        p.setBackgroundPaint(Color.WHITE);
        // each panel its own legend, in its top right corner: one legend for all would repeat the colours
        LegendTitle legend = new LegendTitle(p);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        legend.setBackgroundPaint(new Color(255, 255, 255, 215));
        legend.setPosition(RectangleEdge.RIGHT);
        p.addAnnotation(new XYTitleAnnotation(0.995, 0.98, legend, RectangleAnchor.TOP_RIGHT));
        p.setDomainGridlinePaint(new Color(220, 220, 220));
        p.setRangeGridlinePaint(new Color(220, 220, 220));
        for (SoakFault f : faults) {
            p.addDomainMarker(new IntervalMarker(minutes(f.startMs()), minutes(Math.max(f.endMs(), f.startMs() + 2_000)),
                    FAULT), Layer.BACKGROUND);
        }
        return p;
    }

    /** The fault's number and short kind over its band in the top panel; the legend below names them. */
    private void numberFaults(XYPlot p) {
        for (SoakFault f : faults) {
            ValueMarker m = new ValueMarker(minutes(f.startMs()), new Color(0, 0, 0, 0), new BasicStroke(0f));
            m.setLabel(f.number() + " " + f.kind());
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            m.setLabelPaint(new Color(150, 30, 30));
            m.setLabelAnchor(f.number() % 2 == 1 ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.BOTTOM_RIGHT);
            m.setLabelTextAnchor(f.number() % 2 == 1 ? TextAnchor.TOP_LEFT : TextAnchor.BOTTOM_LEFT);
            p.addDomainMarker(m, Layer.FOREGROUND);
        }
    }

    private double minutes(long epochMs) {
        return (epochMs - startMs) / 60_000.0;
    }
}
