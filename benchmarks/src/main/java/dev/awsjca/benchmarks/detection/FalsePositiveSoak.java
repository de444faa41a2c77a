package dev.awsjca.benchmarks.detection;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.topology.HostHealth;
import dev.awsjca.topology.HostSpec;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * False positives: long queries (pg_sleep 5 s, one after another) on a database whose CPU is saturated by
 * more CPU-bound statements than the machine has cores, all through plugins=failover,hostMonitoring with
 * defaults. A healthy host must never be declared dead: every long query must complete.
 *
 * <pre>scripts/detection.sh soak [seconds]     (default 180)</pre>
 */
public final class FalsePositiveSoak {

    private static final int SLEEPERS = 4;
    private static final int BURNERS = 4;
    private static final String BURN = "DO $$ DECLARE t timestamptz := clock_timestamp(); x float8 := 0; BEGIN"
            + " WHILE clock_timestamp() < t + interval '10 seconds' LOOP x := x + sqrt(random()); END LOOP; END $$";

    private FalsePositiveSoak() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 180;
        try (PgCluster cluster = PgCluster.builder().replicas(0).start()) {
            PgNode writer = cluster.writer();
            String url = "jdbc:aws-wrapper:postgresql://" + writer.host() + ":" + writer.port() + "/postgres?plugins=failover,hostMonitoring"
                    + "&clusterInstanceHostPattern=" + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            AtomicInteger longQueries = new AtomicInteger();
            AtomicInteger burns = new AtomicInteger();
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            List<Thread> threads = new ArrayList<>();
            Connection watch = DriverManager.getConnection(url, cluster.superuser(), cluster.password());
            HostHealth health = watch.unwrap(ConnectionWrapper.class).pipeline().cluster().health(HostSpec.of(writer.host(), writer.port()));
            for (int i = 0; i < SLEEPERS + BURNERS; i++) {
                boolean burner = i >= SLEEPERS;
                Thread t = new Thread(() -> loop(url, cluster, burner ? BURN : "SELECT pg_sleep(5)", burner ? burns : longQueries,
                        failures, end), burner ? "burner" : "long query");
                t.start();
                threads.add(t);
            }
            long start = System.nanoTime();
            for (Thread t : threads) {
                t.join();
            }
            long ran = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            System.out.printf("ran %d s: %d long queries (pg_sleep 5 s) and %d CPU-bound statements (10 s each) completed on %d cores;"
                            + " failed statements: %s; probes that missed: %d; host state: %s%n",
                    ran, longQueries.get(), burns.get(), Runtime.getRuntime().availableProcessors(),
                    failures.isEmpty() ? "none" : failures, health.failedProbes(), health);
            watch.close();
        }
    }

    private static void loop(String url, PgCluster cluster, String sql, AtomicInteger completed, Map<String, Integer> failures, long end) {
        try (Connection c = DriverManager.getConnection(url, cluster.superuser(), cluster.password())) {
            while (System.nanoTime() < end) {
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                    completed.incrementAndGet();
                } catch (SQLException e) {
                    failures.merge(e.getSQLState() + " " + e.getMessage(), 1, Integer::sum);
                }
            }
        } catch (SQLException e) {
            failures.merge("connect " + e.getSQLState(), 1, Integer::sum);
        }
    }
}
