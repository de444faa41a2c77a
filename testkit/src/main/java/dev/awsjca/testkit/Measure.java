package dev.awsjca.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code testkit measure}: the figures in docs/PERFORMANCE.md. Starts a writer plus two replicas, writes,
 * fails over once, stops; repeated, in one JVM, and reports each run and the median.
 */
final class Measure {

    private Measure() {
    }

    static int run(int runs) {
        List<Long> starts = new ArrayList<>();
        List<Long> failovers = new ArrayList<>();
        List<Long> singleStarts = new ArrayList<>();
        System.out.printf("%-4s %18s %22s %22s%n", "run", "start 1+2 (ms)", "failover (ms)", "start 1 node (ms)");
        for (int run = 1; run <= runs; run++) {
            long t0 = System.nanoTime();
            long start;
            long failover;
            try (PgCluster cluster = PgCluster.builder().replicas(2).start()) {
                start = (System.nanoTime() - t0) / 1_000_000;
                cluster.writer().execute("postgres", "CREATE TABLE measured AS SELECT g FROM generate_series(1, 1000) g");
                failover = cluster.failover().duration().toMillis();
            }
            long t1 = System.nanoTime();
            long single;
            try (PgCluster cluster = PgCluster.builder().replicas(0).start()) {
                single = (System.nanoTime() - t1) / 1_000_000;
            }
            starts.add(start);
            failovers.add(failover);
            singleStarts.add(single);
            System.out.printf("%-4d %18d %22d %22d%n", run, start, failover, single);
        }
        System.out.printf("%-4s %18d %22d %22d%n", "med", median(starts), median(failovers), median(singleStarts));
        roundTrips();
        System.out.println("start: builder().start() until every replica streams; failover: crash of the writer until the"
                + " new writer committed a write (synchronous replication, so a replica follows it)");
        return 0;
    }

    /** What the fault proxy in front of each node costs a round trip: SELECT 1 through it and straight to the server. */
    private static void roundTrips() {
        int count = 5000;
        try (PgCluster cluster = PgCluster.builder().replicas(0).start()) {
            PgNode node = cluster.writer();
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", cluster.superuser());
            props.setProperty("password", cluster.password());
            props.setProperty("sslmode", "disable");
            String proxied = node.jdbcUrl("postgres");
            String direct = "jdbc:postgresql://" + node.host() + ":" + node.serverPort() + "/postgres";
            selectOnes(direct, props, count); // warm up both paths and the JIT
            selectOnes(proxied, props, count);
            double directMicros = selectOnes(direct, props, count);
            double proxiedMicros = selectOnes(proxied, props, count);
            System.out.printf("SELECT 1 round trip, mean of %d: %.0f us through the instance endpoint (fault proxy), %.0f us"
                    + " straight to the server%n", count, proxiedMicros, directMicros);
        } catch (java.sql.SQLException e) {
            throw new TestkitException("round trip measurement failed: " + e.getMessage(), e);
        }
    }

    private static double selectOnes(String url, java.util.Properties props, int count) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, props);
             java.sql.PreparedStatement s = c.prepareStatement("SELECT 1")) {
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                try (java.sql.ResultSet rs = s.executeQuery()) {
                    rs.next();
                }
            }
            return (System.nanoTime() - t0) / 1000.0 / count;
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
