package dev.awsjca.demo;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.pipeline.JdbcMethod;
import dev.awsjca.testkit.ClusterEvent;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main job: a local three-node cluster from the testkit, an application writing through the wrapper
 * driver with the failover plugin, a writer crash in the middle, and what the application saw.
 */
public final class Demo {

    private static final long WORKLOAD_MS = 9_000;
    private static final long CRASH_AT_MS = 3_000;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        System.out.println("Starting a local Aurora-like cluster (testkit: writer + 2 replicas, synchronous replication)...");
        try (PgCluster cluster = PgCluster.builder().replicas(2).start()) {
            for (PgNode n : cluster.nodes()) {
                System.out.printf("  %s  instance %-3s at %s:%d  %s%n", n.name(), n.instanceId(), n.host(), n.port(),
                        n == cluster.writer() ? "writer" : "replica");
            }
            System.out.printf("  up in %.1f s; instance endpoints follow the pattern %s%n", secondsSince(t0), cluster.instanceHostPattern());
            PgNode writer = cluster.writer();
            String url = "jdbc:aws-wrapper:postgresql://" + writer.host() + ":" + writer.port() + "/postgres"
                    + "?plugins=narrate,failover&failoverTimeoutMs=30000&clusterInstanceHostPattern="
                    + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8);
            System.out.println("\n1. The pipeline at work: " + url.replaceAll("\\?.*", "?plugins=narrate,failover&..."));
            try (Connection c = DriverManager.getConnection(url, cluster.superuser(), cluster.password())) {
                ConnectionWrapper w = c.unwrap(ConnectionWrapper.class);
                System.out.println("  connected to " + w.pipeline().currentHost() + ", plugins " + w.pipeline().pluginCodes());
                System.out.println("  chain of Statement.executeQuery: " + w.pipeline().describeChain(JdbcMethod.STATEMENT_EXECUTE_QUERY));
                setUp(c);
            }
            try (Connection c = DriverManager.getConnection(url.replace("plugins=narrate,failover", "plugins=failover"),
                    cluster.superuser(), cluster.password())) {
                workload(cluster, c);
            }
        }
        System.out.printf("%nDone in %.1f s; the cluster is stopped and its files removed.%n", secondsSince(t0));
    }

    private static void setUp(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS demo_orders (id bigint PRIMARY KEY, placed_at timestamptz DEFAULT now())");
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM demo_orders")) {
            rs.next();
        }
    }

    /** Inserts orders one by one for a few seconds, crashes the writer in the middle, and tells what happened. */
    private static void workload(PgCluster cluster, Connection c) throws Exception {
        System.out.printf("%n2. An application inserting orders (autocommit), the writer crashes after %d s:%n", CRASH_AT_MS / 1000);
        List<String> seen = new ArrayList<>();
        AtomicBoolean crashed = new AtomicBoolean();
        ClusterEvent[] failover = new ClusterEvent[1];
        Thread fault = new Thread(() -> {
            sleep(CRASH_AT_MS);
            crashed.set(true);
            failover[0] = cluster.failover();
        }, "demo-fault");
        fault.start();
        long start = System.nanoTime();
        long id = 0;
        long ok = 0;
        Instant firstWriteAfterFault = null;
        boolean failureSeen = false;
        boolean terminal = System.console() != null;
        long lastLine = 0;
        String writerNow = host(c);
        while (secondsSince(start) * 1000 < WORKLOAD_MS) {
            id++;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO demo_orders (id) VALUES (?)")) {
                ps.setLong(1, id);
                ps.executeUpdate();
                ok++;
                if ((failureSeen || !host(c).equals(writerNow)) && firstWriteAfterFault == null) {
                    firstWriteAfterFault = Instant.now();
                }
            } catch (SQLException e) {
                failureSeen = true;
                seen.add(String.format("%5.2f s  order %d: %s %s", secondsSince(start), id, e.getSQLState(), e.getClass().getSimpleName()));
                System.out.printf("%n  %5.2f s  order %d -> SQLState %s (%s): %s%n", secondsSince(start), id, e.getSQLState(),
                        e.getClass().getSimpleName(), e.getMessage());
                if ("08007".equals(e.getSQLState()) && exists(c, id)) {
                    ok++; // it did commit before the crash: the contract says check, so it is not written twice
                    System.out.println("           order " + id + " did commit before the crash: not written again");
                } else {
                    id--; // it did not happen (08S02, or 08007 and not there): write the same order again
                }
            }
            String now = host(c);
            if (terminal || System.nanoTime() - lastLine > 1_000_000_000L) {
                // a live line on a terminal; one line a second when the output goes to a file or a pipe
                System.out.printf((terminal ? "\r" : "") + "  %5.2f s  orders written: %-5d connection on %s%s   " + (terminal ? "" : "%n"),
                        secondsSince(start), ok, now, now.equals(writerNow) ? "" : " (moved)");
                lastLine = System.nanoTime();
            }
            sleep(20);
        }
        fault.join();
        System.out.println();
        System.out.println("\n3. What happened:");
        System.out.println("  testkit: " + failover[0]);
        if (firstWriteAfterFault != null && failover[0] != null) {
            System.out.printf("  the application's first successful write on the new writer came %d ms after the crash"
                            + " (the testkit's failover took %d ms of that)%n",
                    java.time.Duration.between(failover[0].started(), firstWriteAfterFault).toMillis(),
                    failover[0].duration().toMillis());
        }
        System.out.println("  errors the application saw: " + (seen.isEmpty() ? "none" : ""));
        seen.forEach(s -> System.out.println("    " + s));
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id), max(id) FROM demo_orders")) {
            rs.next();
            System.out.printf("  on the new writer %s: %d orders, %d distinct, highest id %d (the application counted %d written)%n",
                    host(c), rs.getLong(1), rs.getLong(2), rs.getLong(3), ok);
        }
    }

    private static boolean exists(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM demo_orders WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String host(Connection c) throws SQLException {
        return c.unwrap(ConnectionWrapper.class).pipeline().currentHost().endpoint();
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
