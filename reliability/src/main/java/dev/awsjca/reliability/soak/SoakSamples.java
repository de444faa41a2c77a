package dev.awsjca.reliability.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The samples scripts/soak.sh wrote (samples.csv): one row every 10 s, columns named in the header. Numbers are
 * read by column name; a value the script could not read (a node down, the server not answering) is NaN. The last
 * column, {@code fault}, is text: the fault being injected or healed when the sample was taken.
 */
final class SoakSamples {

    private final List<String> columns;
    private final double[][] values; // [row][column]
    private final String[] faults;

    private SoakSamples(List<String> columns, double[][] values, String[] faults) {
        this.columns = columns;
        this.values = values;
        this.faults = faults;
    }

    static SoakSamples read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty()) {
            throw new IOException(csv + " is empty");
        }
        List<String> columns = List.of(lines.get(0).split(","));
        List<double[]> rows = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            double[] row = new double[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                row[c] = c < cells.length ? number(cells[c]) : Double.NaN;
            }
            rows.add(row);
            int f = columns.indexOf("fault");
            faults.add(f >= 0 && f < cells.length ? cells[f] : "");
        }
        return new SoakSamples(columns, rows.toArray(double[][]::new), faults.toArray(String[]::new));
    }

    private static double number(String cell) {
        try {
            return cell.isBlank() ? Double.NaN : Double.parseDouble(cell.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    int size() {
        return values.length;
    }

    boolean has(String column) {
        return columns.contains(column);
    }

    /** The column's values, one per sample (NaN where it was not read). */
    double[] column(String column) {
        int c = columns.indexOf(column);
        if (c < 0) {
            throw new IllegalArgumentException("samples.csv has no column " + column + " (it has " + columns + ")");
        }
        double[] out = new double[values.length];
        for (int r = 0; r < values.length; r++) {
            out[r] = values[r][c];
        }
        return out;
    }

    /** The sum of several columns per sample; NaN where one is missing (a node down: its sessions are not known). */
    double[] sum(List<String> names) {
        double[] out = new double[values.length];
        for (String name : names) {
            double[] col = column(name);
            for (int r = 0; r < out.length; r++) {
                out[r] += col[r];
            }
        }
        return out;
    }

    /** Per second between one sample and the one before, of a counter column (NaN for the first). */
    double[] rate(String counter) {
        double[] count = column(counter);
        double[] ms = column("epoch_ms");
        double[] out = new double[count.length];
        Arrays.fill(out, Double.NaN);
        for (int r = 1; r < count.length; r++) {
            double dt = ms[r] - ms[r - 1];
            if (dt > 0 && !Double.isNaN(count[r]) && !Double.isNaN(count[r - 1])) {
                out[r] = (count[r] - count[r - 1]) * 1000 / dt;
            }
        }
        return out;
    }

    /** The names of the nodes whose sessions were sampled (columns sessions_NODE). */
    List<String> nodes() {
        return columns.stream().filter(c -> c.startsWith("sessions_")).map(c -> c.substring("sessions_".length())).toList();
    }

    /** Minutes since the start of the run, per sample. */
    double[] minutes() {
        double[] t = column("t_s");
        return Arrays.stream(t).map(s -> s / 60).toArray();
    }

    String fault(int row) {
        return faults[row];
    }
}
