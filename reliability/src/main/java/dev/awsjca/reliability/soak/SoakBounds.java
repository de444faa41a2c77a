package dev.awsjca.reliability.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The soak's fixed bounds, written down before the run: every sample of a metric must stay at or under its bound,
 * and no metric may grow steadily (the median of the last third of the run over that of the first third by more
 * than the metric's slack). Why each number is what it is: docs/RELIABILITY.md, "Soak".
 */
final class SoakBounds {

    /** A metric: the samples.csv columns it sums, its bound, the growth allowed, and the reason for the bound. */
    record Metric(String name, List<String> columns, double max, double growthSlack, String unit, String why) {
    }

    /** Samples in the first minute are the warm-up (pools filling, classes loading): left out of the growth check. */
    static final double WARM_UP_MINUTES = 1;

    /** Orders and reads must both be running again this long after a fault's end (the cluster healed). */
    static final long RESUME_WITHIN_MS = 60_000;

    private SoakBounds() {
    }

    static List<Metric> metrics(Properties run, List<String> nodes) {
        int workers = Integer.parseInt(run.getProperty("orderWorkers", "8"));
        int readers = Integer.parseInt(run.getProperty("readers", "4"));
        int nodeCount = nodes.size();
        // a worker or reader holds one connection at a time, and a pool makes one only when none is free
        int borrowed = workers + readers;
        List<Metric> metrics = new ArrayList<>();
        metrics.add(new Metric("adapter threads", List.of("adapter_threads"), 6 + 3 * nodeCount, 2, "",
                "per node a host monitor probe, a topology probe and a reader probe; the topology monitor, the host "
                        + "and reader monitors' own threads, the disposal timer; room for probes that linger after a failover"));
        metrics.add(new Metric("server threads", List.of("jvm_threads"), 200, 10, "",
                "WildFly's own (about 47 under this load) plus the 12 workload threads and the adapter's"));
        metrics.add(new Metric("heap after a full GC", List.of("heap_after_gc_mb"), 128, 16, " MB",
                "twice what the server holds under this load (about 60 MB); -Xmx512m"));
        for (String node : nodes) {
            // no growth check per node: the writer moves between nodes at every failover, its sessions with it
            metrics.add(new Metric("sessions on " + node, List.of("sessions_" + node), borrowed + 2 + 6, Double.NaN, "",
                    "every borrowed connection on one node, 2 of the transaction manager's recovery, 6 of monitoring"));
        }
        // growth slack of sessions: one node's monitoring sessions (3) and a recovery connection, which a node crashed
        // and not yet probed again lacks: in a short run with many faults the first third can hold such a node
        metrics.add(new Metric("sessions on all nodes", nodes.stream().map(n -> "sessions_" + n).toList(),
                borrowed + 2 + 6 * nodeCount, 4, "",
                "the connections the workloads borrow, 2 of recovery, 6 of monitoring per node: a connection the "
                        + "adapter leaks shows here and not in the pool"));
        metrics.add(new Metric("monitoring sessions", List.of("monitor_sessions"), 6 * nodeCount, 3, "",
                "the adapter's application names 'aws-advanced-jca ...': a host monitor, topology and reader probes per node"));
        metrics.add(new Metric("prepared transactions", List.of("prepared_xacts"), workers, 1, "",
                "at most one in flight per order worker"));
        metrics.add(new Metric("pool orders: connections held", List.of("pool_orders_active"), workers, 1, "",
                "one per order worker"));
        metrics.add(new Metric("pool orders-reader: connections held", List.of("pool_reader_active"), readers, 1, "",
                "one per reader"));
        return metrics;
    }
}
