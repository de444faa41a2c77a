package dev.awsjca.reliability.soak;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The soak's verdict and picture, from what scripts/soak.sh left in its results directory (samples.csv,
 * faults.csv, end.properties, server-errors.txt): prints the table of checks, the faults and the errors, writes
 * soak.png next to them, and exits 1 when a check failed.
 * {@code java dev.awsjca.reliability.soak.SoakReport target/soak/<time>}
 */
public final class SoakReport {

    private SoakReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SoakReport <results directory of scripts/soak.sh>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        SoakSamples samples = SoakSamples.read(dir.resolve("samples.csv"));
        List<SoakFault> faults = SoakFault.read(dir.resolve("faults.csv"));
        Properties end = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("end.properties"))) {
            end.load(r);
        }
        List<SoakChecks.Check> checks = new SoakChecks(samples, faults, end).run();
        boolean pass = checks.stream().allMatch(SoakChecks.Check::pass);

        StringBuilder out = new StringBuilder();
        out.append(String.format("Soak: %s min, seed %s, %s samples, %d faults; %s%n", end.getProperty("minutes"),
                end.getProperty("seed"), samples.size(), faults.size(), end.getProperty("ordersReport", "")));
        out.append("Reads: ").append(end.getProperty("readsReport", "")).append('\n');
        out.append("Faults (injected -> cluster healed):\n");
        long first = faults.isEmpty() ? 0 : (long) (samples.column("epoch_ms")[0] - samples.column("t_s")[0] * 1000);
        for (SoakFault f : faults) {
            out.append(String.format("  %2d  t=%6.1f min  %5.1f s  %-17s %s%n", f.number(), (f.startMs() - first) / 60_000.0,
                    (f.endMs() - f.startMs()) / 1000.0, f.kind(), f.detail()));
        }
        if (samples.has("tx_log_records")) {
            double[] records = samples.column("tx_log_records");
            // not a check: a one-phase commit whose connection was lost stays in the log as heuristic (docs/FAILOVER.md)
            out.append(String.format("Transaction manager's log (files in Narayana's object store): %s at the start, %s at the end%n",
                    SoakChecks.num(records[0]), SoakChecks.num(records[records.length - 1])));
        }
        out.append('\n').append("| check | bound | observed | verdict |\n|---|---|---|---|\n");
        for (SoakChecks.Check c : checks) {
            out.append("| ").append(c.what()).append(" | ").append(c.expected()).append(" | ").append(c.observed())
                    .append(" | ").append(c.pass() ? "PASS" : "**FAIL**").append(" |\n");
        }
        Path errors = dir.resolve("server-errors.txt");
        if (Files.exists(errors) && Files.size(errors) > 0) {
            List<String> lines = Files.readAllLines(errors);
            out.append("\nERROR lines in server.log (").append(lines.size()).append(", the first 10):\n");
            lines.stream().limit(10).forEach(l -> out.append("  ").append(l, 0, Math.min(l.length(), 300)).append('\n'));
        }
        Path png = dir.resolve("soak.png");
        String subtitle = String.format("%s min, %s order workers, %s readers, a fault every %s; %d faults (shaded, "
                        + "numbered), bounds dashed; verdict %s", end.getProperty("minutes"), end.getProperty("orderWorkers"),
                end.getProperty("readers"), end.getProperty("faultEvery", "2 min"), faults.size(), pass ? "PASS" : "FAIL");
        new SoakChart(samples, faults, SoakBounds.metrics(end, samples.nodes()))
                .write(png, "Soak: the rar in WildFly under orders, reads and faults", subtitle);
        out.append("\nVerdict: ").append(pass ? "PASS" : "FAIL").append("; picture ").append(png).append('\n');
        System.out.print(out);
        System.exit(pass ? 0 : 1);
    }
}
