package dev.awsjca.timeline;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The picture of a failover as clients saw it: one lane per client, stacked on one time axis, each with its
 * successes per {@value #BUCKET_MS} ms by series, the fault's events as labelled vertical lines and each
 * failed attempt as a mark below the zero line. A series or a failure kind has the same colour in every lane.
 */
public final class Timeline {

    public static final long BUCKET_MS = 100;
    public static final int WIDTH = 1400;
    public static final int HEIGHT = 700;
    // the steps of a failover in the order callers add them: fault, promotion, writable, first success, ...
    private static final Color[] EVENT_COLOURS = {new Color(200, 0, 0), new Color(230, 120, 0), new Color(0, 130, 0),
            new Color(0, 70, 200), new Color(120, 0, 160), new Color(90, 90, 90)};
    // dark, so that the marks stand out from the success lines
    private static final Color[] MARK_COLOURS = {new Color(120, 0, 160), new Color(0, 0, 0), new Color(160, 80, 0),
            new Color(0, 110, 110), new Color(200, 0, 120)};
    private static final Paint[] SERIES_COLOURS = DefaultDrawingSupplier.DEFAULT_PAINT_SEQUENCE;
    private static final Shape[] MARK_SHAPES = DefaultDrawingSupplier.createStandardSeriesShapes();

    private final String title;
    private final String timeAxis;
    private final List<Lane> lanes = new ArrayList<>();
    // colours and shapes by name over all lanes, in the order first seen
    private final Map<String, Integer> seriesIndex = new LinkedHashMap<>();
    private final Map<String, Integer> kindIndex = new LinkedHashMap<>();

    /** @param timeAxis what 0 s is, e.g. "seconds from the crash" */
    public Timeline(String title, String timeAxis) {
        this.title = title;
        this.timeAxis = timeAxis;
    }

    public Timeline lane(Lane lane) {
        lanes.add(lane);
        return this;
    }

    public byte[] png(int width, int height) throws IOException {
        if (lanes.isEmpty()) {
            throw new IllegalStateException("a timeline needs a lane");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart(), width, height);
        return out.toByteArray();
    }

    /** Writes the picture, {@link #WIDTH} wide and {@link #HEIGHT} high for each lane up to two. */
    public Path write(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return Files.write(file, png(WIDTH, HEIGHT + (lanes.size() - 1) * HEIGHT / 2));
    }

    private JFreeChart chart() {
        NumberAxis time = new NumberAxis(timeAxis);
        time.setAutoRangeIncludesZero(false);
        XYPlot main;
        if (lanes.size() == 1) {
            main = plot(lanes.get(0), new HashSet<>());
            main.setDomainAxis(time);
        } else {
            CombinedDomainXYPlot combined = new CombinedDomainXYPlot(time);
            combined.setGap(12);
            Set<String> inLegend = new HashSet<>();
            lanes.forEach(l -> combined.add(plot(l, inLegend)));
            main = combined;
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, main, true);
        ChartFactory.getChartTheme().apply(chart);
        List<XYPlot> plots = main instanceof CombinedDomainXYPlot c ? c.getSubplots() : List.of(main);
        for (XYPlot p : plots) { // after the theme, which paints plots grey
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(Color.LIGHT_GRAY);
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        return chart;
    }

    /** One lane's plot; a series already in the legend (from a lane above) is not listed again. */
    private XYPlot plot(Lane lane, Set<String> inLegend) {
        XYSeriesCollection successes = new XYSeriesCollection();
        XYStepRenderer steps = new XYStepRenderer();
        steps.setDefaultStroke(new BasicStroke(1.6f));
        steps.setAutoPopulateSeriesStroke(false);
        steps.setAutoPopulateSeriesPaint(false); // else the theme clears the colours given by name
        long most = 0;
        for (Map.Entry<String, List<Long>> s : lane.successes().entrySet()) {
            XYSeries series = new XYSeries(s.getKey(), false, false);
            long[] counts = Lane.perBucket(s.getValue(), lane.start(), lane.end(), BUCKET_MS);
            for (int i = 0; i < counts.length; i++) {
                series.add(lane.seconds(lane.start() + i * BUCKET_MS), counts[i]);
                most = Math.max(most, counts[i]);
            }
            int n = successes.getSeriesCount();
            successes.addSeries(series);
            steps.setSeriesPaint(n, SERIES_COLOURS[index(seriesIndex, s.getKey()) % SERIES_COLOURS.length]);
            steps.setSeriesVisibleInLegend(n, inLegend.add(s.getKey()));
        }
        NumberAxis count = new NumberAxis((lane.name().isEmpty() ? "" : lane.name() + ": ") + lane.unit() + " per "
                + BUCKET_MS + " ms");
        count.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // whole successes
        count.setUpperMargin(0.08 + 0.06 * lane.events().size()); // room above the lines for the events' labels
        XYPlot plot = new XYPlot(successes, null, count, steps);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD); // failure marks over the lines
        marks(plot, lane, -Math.max(1, (most + 19) / 20));
        for (int i = 0; i < lane.events().size(); i++) {
            mark(plot, lane, lane.events().get(i), i);
        }
        return plot;
    }

    /** Each failed attempt at {@code y}, under the zero line, one series (shape, dark colour) per kind. */
    private void marks(XYPlot plot, Lane lane, double y) {
        Map<String, XYSeries> byKind = new TreeMap<>();
        for (Lane.Failure f : lane.failures()) {
            if (f.at() >= lane.start() && f.at() < lane.end()) {
                byKind.computeIfAbsent(f.kind(), k -> new XYSeries(k, false, true)).add(lane.seconds(f.at()), y);
            }
        }
        if (byKind.isEmpty()) {
            return;
        }
        XYSeriesCollection marks = new XYSeriesCollection();
        XYLineAndShapeRenderer shapes = new XYLineAndShapeRenderer(false, true);
        shapes.setAutoPopulateSeriesPaint(false);
        shapes.setAutoPopulateSeriesShape(false);
        byKind.forEach((kind, s) -> {
            int i = index(kindIndex, kind);
            s.setKey((lane.name().isEmpty() ? "" : lane.name() + " ") + "failed " + kind + " x" + s.getItemCount());
            shapes.setSeriesPaint(marks.getSeriesCount(), MARK_COLOURS[i % MARK_COLOURS.length]);
            shapes.setSeriesShape(marks.getSeriesCount(), MARK_SHAPES[i % MARK_SHAPES.length]);
            marks.addSeries(s);
        });
        plot.setDataset(1, marks);
        plot.setRenderer(1, shapes);
    }

    /**
     * A vertical line at an event, labelled; labels are stacked so that events a few ms apart stay legible, and
     * go left of the line in the last third of the lane, so that they are not cut at its right edge.
     */
    private static void mark(XYPlot plot, Lane lane, Lane.Event e, int row) {
        if (e.at() <= 0) {
            return;
        }
        Color colour = EVENT_COLOURS[row % EVENT_COLOURS.length];
        double at = lane.seconds(e.at());
        ValueMarker m = new ValueMarker(at, colour, new BasicStroke(1.4f));
        m.setLabel(String.format(Locale.ROOT, "%s %+.3f s", e.label(), at));
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        m.setLabelPaint(colour);
        boolean left = e.at() > lane.start() + (lane.end() - lane.start()) * 2 / 3;
        m.setLabelAnchor(left ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(left ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
        m.setLabelOffset(new RectangleInsets(4 + row * 16, 4, 0, 4));
        plot.addDomainMarker(m);
    }

    private static int index(Map<String, Integer> seen, String name) {
        return seen.computeIfAbsent(name, n -> seen.size());
    }
}
