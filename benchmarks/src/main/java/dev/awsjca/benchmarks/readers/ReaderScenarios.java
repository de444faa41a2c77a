package dev.awsjca.benchmarks.readers;

import dev.awsjca.config.WrapperProperties;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Read/write splitting on a local testkit cluster (a writer and two replicas), through the real driver
 * with {@code plugins=readWriteSplitting,failover,hostMonitoring} and nothing else tuned:
 * <ul>
 *   <li>{@code spread}: 10,000 reads from 16 threads, each on its own logical connection marked read-only,
 *   with {@code readerHostSelectorStrategy} roundRobin and leastConnections, then fastestResponse with one
 *   reader 20 ms slower: the share of reads each node answered;</li>
 *   <li>{@code loss [runs]}: a read loop on a reader whose reader is crashed, then blackholed, {@code runs}
 *   times each: the time from the fault to the next read answered by another node, and the error the
 *   application saw.</li>
 * </ul>
 *
 * <pre>scripts/readers.sh spread
 * scripts/readers.sh loss 5</pre>
 */
public final class ReaderScenarios {

    private static final int THREADS = 16;
    private static final int READS = 10_000;
    private static final int SLOW_READER_MS = 20;
    // the reader probes measure every 500 ms and smooth over about eight: 5 s lets the slow reader's rise show
    private static final long PROBES_SETTLE_MS = 5_000;
    // the adapter logs each failover at INFO: the runs would bury the tables. Held so it is not collected.
    private static final java.util.logging.Logger ADAPTER_LOG = java.util.logging.Logger.getLogger("dev.awsjca");

    private ReaderScenarios() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "";
        int runs = 5;
        for (int i = 1; i < args.length; i++) {
            runs = Integer.parseInt(args[i].equals("--runs") && i + 1 < args.length ? args[++i] : args[i]);
        }
        if (!what.equals("spread") && !what.equals("loss")) {
            System.err.println("usage: ReaderScenarios spread | loss [runs]   (runs of each fault, default 5)");
            System.exit(2);
        }
        ADAPTER_LOG.setLevel(java.util.logging.Level.parse(System.getProperty("awsjca.bench.adapterLogLevel", "WARNING")));
        System.out.println("start: " + Machine.now() + ", Java " + System.getProperty("java.version"));
        if (what.equals("spread")) {
            try (PgCluster cluster = PgCluster.builder().replicas(2).start()) {
                TestDatabase db = cluster.createDatabase("readers");
                String url = url(cluster, db);
                System.out.println("url: " + url);
                spread(cluster, url, db.credentials());
            }
        } else {
            loss(runs);
        }
        System.out.println("end: " + Machine.now());
    }

    private static void spread(PgCluster cluster, String url, Properties credentials) throws Exception {
        List<Tables.SpreadRow> rows = new ArrayList<>();
        for (String strategy : List.of("roundRobin", "leastConnections")) {
            rows.add(new Tables.SpreadRow(ReadSpread.run(strategy, url + "&readerHostSelectorStrategy=" + strategy, credentials,
                    THREADS, READS), null));
        }
        PgNode slow = cluster.replicas().get(0);
        String fastest = url + "&readerHostSelectorStrategy=fastestResponse";
        // an earlier connection of the same settings starts the reader probes, which fastestResponse ranks by
        try (Connection anchor = java.sql.DriverManager.getConnection(fastest, credentials)) {
            anchor.setReadOnly(true);
            whoAnswers(anchor);
            cluster.latency(slow, SLOW_READER_MS);
            Thread.sleep(PROBES_SETTLE_MS);
            rows.add(new Tables.SpreadRow(ReadSpread.run("fastestResponse, " + slow.name() + " +" + SLOW_READER_MS + " ms", fastest,
                    credentials, THREADS, READS), slow.instanceId()));
        } finally {
            cluster.heal(slow);
        }
        System.out.printf("%n%d reads, %d threads (one logical connection each, setReadOnly(true) once, then `%s`)%n%n", READS,
                THREADS, ReadSpread.WHO_ANSWERS);
        Tables.spread(cluster, rows);
    }

    private static void loss(int runs) throws Exception {
        long interval = WrapperProperties.FAILURE_DETECTION_INTERVAL_MS.defaultValue();
        int count = WrapperProperties.FAILURE_DETECTION_COUNT.defaultValue();
        // a probe that starts just after the fault is counted missed at the following ticks: at most one
        // interval more than count x interval
        long blackholeGoalMs = interval * (count + 1);
        System.out.printf("detection settings (defaults, not set in the URL): failureDetectionTimeMs=%d, failureDetectionIntervalMs=%d,"
                        + " failureDetectionCount=%d: a host is declared dead after %d ms of silence%n",
                WrapperProperties.FAILURE_DETECTION_TIME_MS.defaultValue(), interval, count, interval * count);
        System.out.printf("each run: a new cluster (writer + 2 replicas), one logical connection, setReadOnly(true), `%s` without"
                + " pause, the fault on the reader it reads on%n", ReadSpread.WHO_ANSWERS);
        List<ReaderLoss.Run> results = new ArrayList<>();
        results.addAll(ReaderLoss.measure(ReaderLoss.Fault.CRASH, runs));
        results.addAll(ReaderLoss.measure(ReaderLoss.Fault.BLACKHOLE, runs));
        System.out.println();
        Tables.loss(results, blackholeGoalMs);
    }

    /** What a user writes: the writer's instance endpoint, the plugins, the host pattern; nothing tuned. */
    static String url(PgCluster cluster, TestDatabase db) {
        PgNode w = cluster.writer();
        return "jdbc:aws-wrapper:postgresql://" + w.host() + ":" + w.port() + "/" + db.name()
                + "?plugins=readWriteSplitting,failover,hostMonitoring&clusterInstanceHostPattern="
                + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8);
    }

    private static void whoAnswers(Connection c) throws java.sql.SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReadSpread.WHO_ANSWERS)) {
            rs.next();
        }
    }
}
