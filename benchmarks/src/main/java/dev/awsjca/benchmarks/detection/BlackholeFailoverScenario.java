package dev.awsjca.benchmarks.detection;

import dev.awsjca.benchmarks.timeline.Milestones;
import dev.awsjca.testkit.ClusterEvent;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The writer becomes unreachable (blackholed: packets held, no RST) and a replica is promoted: how long
 * from the fault until the application's first successful write. Two applications write through the
 * same faults in the same run: one through the wrapper with {@code plugins=failover,hostMonitoring} and
 * default settings, one through plain pgjdbc multi-host ({@code targetServerType=primary},
 * {@code socketTimeout=10}) as the baseline.
 *
 * Each run's timeline picture (both clients' writes per 100 ms, the blackhole, the promotion, each one's
 * first write on the new writer, each failure) goes to {@code benchmarks/target/detection/}.
 *
 * <pre>scripts/detection.sh failover [runs]     (default 5)</pre>
 */
public final class BlackholeFailoverScenario {

    private BlackholeFailoverScenario() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        BlackholePictures pictures = new BlackholePictures();
        try (PgCluster cluster = PgCluster.builder().replicas(2).start()) {
            String db = "detection";
            cluster.createDatabase(db);
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(db), cluster.superuser(), cluster.password());
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE detection_writes (id bigint PRIMARY KEY, writer text, at timestamptz DEFAULT now())");
            }
            cluster.awaitReplication();
            AtomicLong ids = new AtomicLong();
            // fixed once, as in an application's configuration
            String wrapperUrl = wrapperUrl(cluster, db);
            String pgjdbcUrl = pgjdbcUrl(cluster, db);
            System.out.println("wrapper: " + wrapperUrl);
            System.out.println("pgjdbc:  " + pgjdbcUrl);
            WriteLoop wrapper = new WriteLoop("wrapper failover,hostMonitoring (defaults)",
                    () -> DriverManager.getConnection(wrapperUrl, cluster.superuser(), cluster.password()), ids);
            WriteLoop pgjdbc = new WriteLoop("pgjdbc multi-host, socketTimeout=10",
                    () -> DriverManager.getConnection(pgjdbcUrl, cluster.superuser(), cluster.password()), ids);
            List<WriteLoop> apps = List.of(wrapper, pgjdbc);
            List<Thread> threads = new ArrayList<>();
            for (WriteLoop app : apps) {
                Thread t = new Thread(app, "app " + app.name());
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            List<List<Long>> outages = List.of(new ArrayList<>(), new ArrayList<>());
            System.out.printf("%d runs: writer blackholed, then failover() (crash of the blackholed writer, promotion of a replica)%n", runs);
            for (int run = 1; run <= runs; run++) {
                PgNode writer = cluster.writer();
                long waitedMs = awaitFullTopology(writer, cluster.nodes().size());
                if (waitedMs > 0) {
                    System.out.println("(waited " + waitedMs + " ms for the adapter's topology to list every node)");
                }
                apps.forEach(a -> a.trace().clear());
                Thread.sleep(BlackholePictures.BEFORE_MS); // both applications write steadily on the current writer
                long fault = System.nanoTime();
                apps.forEach(a -> a.faultAt(fault));
                long blackhole = cluster.blackhole(writer).started().toEpochMilli();
                ClusterEvent failover = cluster.failover();
                long deadline = fault + TimeUnit.SECONDS.toNanos(90);
                while (apps.stream().anyMatch(a -> a.outageNanos() < 0) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                StringBuilder line = new StringBuilder("run " + run + ":");
                for (int i = 0; i < apps.size(); i++) {
                    long ns = apps.get(i).outageNanos();
                    outages.get(i).add(ns < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(ns));
                    line.append(String.format("  %s %s", apps.get(i).name(), ns < 0 ? "no write within 90 s" : TimeUnit.NANOSECONDS.toMillis(ns) + " ms"));
                }
                System.out.println(line + "   [" + failover + "]");
                cluster.healAll();
                cluster.rejoin(writer);
                // the picture goes on for a second after the later first write (the rejoin usually took longer)
                String newWriter = cluster.writer().host();
                long lastFirstWrite = apps.stream().mapToLong(a -> a.trace().firstSuccessAfter(blackhole, newWriter))
                        .max().orElse(0);
                Thread.sleep(Math.max(0, lastFirstWrite + BlackholePictures.AFTER_MS - System.currentTimeMillis()));
                long traceEnd = System.currentTimeMillis();
                pictures.add(new BlackholePictures.Run(run, blackhole, Milestones.of(failover), writer.host(),
                        newWriter, List.of("wrapper (defaults)", "pgjdbc (socketTimeout=10)"),
                        apps.stream().map(a -> a.trace().copy(blackhole - BlackholePictures.BEFORE_MS, traceEnd))
                                .toList(),
                        traceEnd));
            }
            apps.forEach(WriteLoop::stop);
            for (Thread t : threads) {
                t.join(30_000);
            }
            System.out.println();
            System.out.println("| client | outage median | min-max | runs | errors seen (SQLState x count) |");
            System.out.println("|---|---|---|---|---|");
            for (int i = 0; i < apps.size(); i++) {
                List<Long> ms = new ArrayList<>(outages.get(i));
                Collections.sort(ms);
                System.out.printf("| %s | %d ms | %d-%d ms | %d | %s |%n", apps.get(i).name(), ms.get(ms.size() / 2), ms.get(0),
                        ms.get(ms.size() - 1), ms.size(), apps.get(i).errors().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                                .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", ")));
            }
        }
        pictures.draw(); // once the cluster is gone: drawing takes no CPU from a run
    }

    /**
     * Each run starts from a settled cluster: the adapter's topology (read through its JMX MBean) lists
     * every node again, the old writer rejoined as a replica, so that every run measures the same thing.
     */
    static long awaitFullTopology(PgNode writer, int nodes) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            for (ObjectName name : server.queryNames(new ObjectName("dev.awsjca:type=Cluster,*"), null)) {
                String[] topology = (String[]) server.getAttribute(name, "Topology");
                String w = (String) server.getAttribute(name, "Writer");
                if (topology.length == nodes && w.equals(writer.host() + ":" + writer.port())) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the adapter's topology did not list all " + nodes + " nodes within 60 s");
    }

    /** What a user writes: the writer's instance endpoint, the plugins, the host pattern; nothing tuned. */
    static String wrapperUrl(PgCluster cluster, String db) {
        PgNode w = cluster.writer();
        return "jdbc:aws-wrapper:postgresql://" + w.host() + ":" + w.port() + "/" + db + "?plugins=failover,hostMonitoring"
                + "&clusterInstanceHostPattern=" + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8);
    }

    /** Every instance endpoint in node order (the first writer first); pgjdbc picks the primary. */
    static String pgjdbcUrl(PgCluster cluster, String db) {
        List<PgNode> nodes = cluster.nodes();
        return "jdbc:postgresql://" + nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","))
                + "/" + db + "?targetServerType=primary&socketTimeout=10";
    }
}
