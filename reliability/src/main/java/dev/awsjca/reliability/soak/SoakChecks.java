package dev.awsjca.reliability.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The soak's checks, each one row of the verdict: the samples within their bounds, no steady growth, the workload
 * running again after every fault, and what the script found at the end (the orders in the database, prepared
 * transactions, server.log, passwords in logs).
 */
final class SoakChecks {

    /** One row of the verdict table. */
    record Check(String what, String expected, String observed, boolean pass) {
    }

    private final SoakSamples samples;
    private final List<SoakFault> faults;
    private final Properties end;
    private final List<Check> checks = new ArrayList<>();

    SoakChecks(SoakSamples samples, List<SoakFault> faults, Properties end) {
        this.samples = samples;
        this.faults = faults;
        this.end = end;
    }

    List<Check> run() {
        double[] minutes = samples.minutes();
        for (SoakBounds.Metric m : SoakBounds.metrics(end, samples.nodes())) {
            double[] v = samples.sum(m.columns());
            bound(m, v, minutes);
            if (!Double.isNaN(m.growthSlack())) {
                growth(m, v, minutes);
            }
        }
        serverAnswered();
        resumedAfterFaults();
        faultsInjected();
        endOfRun();
        return checks;
    }

    private void bound(SoakBounds.Metric m, double[] v, double[] minutes) {
        int worst = -1;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isNaN(v[i]) && (worst < 0 || v[i] > v[worst])) {
                worst = i;
            }
        }
        String observed = worst < 0 ? "no sample" : "max " + num(v[worst]) + m.unit() + " at " + num(minutes[worst]) + " min";
        long read = Arrays.stream(v).filter(d -> !Double.isNaN(d)).count();
        checks.add(new Check(m.name() + ": every sample within bound", "<= " + num(m.max()) + m.unit(),
                observed + " (" + read + " samples)", worst >= 0 && v[worst] <= m.max()));
    }

    /** The median of the last third of the run against the first third's (after the warm-up). */
    private void growth(SoakBounds.Metric m, double[] v, double[] minutes) {
        List<Double> kept = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            if (minutes[i] >= SoakBounds.WARM_UP_MINUTES && !Double.isNaN(v[i])) {
                kept.add(v[i]);
            }
        }
        if (kept.size() < 6) {
            checks.add(new Check(m.name() + ": no steady growth", "6 samples or more", kept.size() + " samples", false));
            return;
        }
        int third = kept.size() / 3;
        double first = median(kept.subList(0, third));
        double last = median(kept.subList(kept.size() - third, kept.size()));
        checks.add(new Check(m.name() + ": no steady growth",
                "last third's median <= first third's + " + num(m.growthSlack()) + m.unit(),
                num(first) + m.unit() + " -> " + num(last) + m.unit(), last <= first + m.growthSlack()));
    }

    private void serverAnswered() {
        double[] heap = samples.column("heap_after_gc_mb");
        double[] commits = samples.column("commits");
        long missing = 0;
        for (int i = 0; i < heap.length; i++) {
            if (Double.isNaN(heap[i]) || Double.isNaN(commits[i])) {
                missing++;
            }
        }
        checks.add(new Check("the server answered every sample (management API and application)", "0 missed",
                missing + " missed of " + heap.length, missing == 0));
    }

    /**
     * After each fault's end, the first sample that saw an order committed and a read done after it: the
     * application's own clock of its latest commit and read, so that a slow sample does not hide a quick resumption.
     */
    private void resumedAfterFaults() {
        double[] ms = samples.column("epoch_ms");
        double[] commit = samples.column("last_commit_ms");
        double[] read = samples.column("last_read_ms");
        long worst = 0;
        String worstFault = "-";
        int late = 0;
        for (SoakFault f : faults) {
            long after = Long.MAX_VALUE;
            for (int i = 0; i < ms.length; i++) {
                if (ms[i] > f.endMs() && commit[i] > f.endMs() && read[i] > f.endMs()) {
                    after = (long) ms[i] - f.endMs();
                    break;
                }
            }
            if (after > worst) {
                worst = after;
                worstFault = "fault " + f.number() + " (" + f.kind() + ")";
            }
            if (after > SoakBounds.RESUME_WITHIN_MS) {
                late++;
            }
        }
        checks.add(new Check("orders and reads go on after every fault", "an order and a read after the cluster is "
                + "healed, seen by a sample within " + SoakBounds.RESUME_WITHIN_MS / 1000 + " s",
                faults.isEmpty() ? "no fault" : late + " late; the latest: " + (worst == Long.MAX_VALUE ? "never"
                        : "the sample " + num(worst / 1000.0) + " s after") + ", " + worstFault, late == 0));
    }

    private void faultsInjected() {
        long failed = faults.stream().filter(SoakFault::failed).count();
        checks.add(new Check("every fault injected and healed", "no testkit error", faults.size() + " faults, "
                + failed + " with an error", failed == 0 && !faults.isEmpty()));
    }

    private void endOfRun() {
        long believed = num("believed");
        checks.add(new Check("no order lost: each worker's orders 1 to its highest committed are in the database",
                "0 missing", num("lost") + " missing of " + believed, num("lost") == 0 && believed > 0));
        checks.add(new Check("no order doubled (a key twice in the table)", "0", String.valueOf(num("doubled")),
                num("doubled") == 0));
        checks.add(new Check("no order the application does not believe committed", "0 rows",
                num("unexpected") + " rows (" + num("rows") + " rows in all)", num("unexpected") == 0));
        checks.add(new Check("no prepared transaction left on any node", "0 (after up to 150 s of recovery)",
                num("preparedLeft") + " (waited " + num("preparedWaitS") + " s)", num("preparedLeft") == 0));
        checks.add(new Check("no ERROR in server.log", "0 lines", num("errorLines") + " lines (WARN: " + num("warnLines") + ")",
                num("errorLines") == 0));
        String secrets = end.getProperty("secretsInLogs", "?");
        checks.add(new Check("no password in the server's logs or the results", "none", secrets, "none".equals(secrets)));
    }

    private long num(String key) {
        String v = end.getProperty(key, "").trim();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String num(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
    }
}
