package dev.awsjca.samples;

import com.zaxxer.hikari.HikariDataSource;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docs' samples as an application would run them: the HikariCP quickstart's pool through the cluster
 * endpoint, threads placing orders with the failover-handling sample, and a writer crash in the middle.
 * Every order the application believes placed is in the database exactly once, and nothing else is. The
 * cluster is shared with other classes: the crashed writer rejoins as a replica at the end.
 */
@WithPgCluster(replicas = 2)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SamplesFailoverTest {

    private static final int THREADS = 4;

    @Test
    void ordersPlacedThroughAWriterCrashAreEachThereOnce(PgCluster cluster, TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id text PRIMARY KEY, amount int NOT NULL)");
        }
        String endpoint = cluster.clusterEndpoint().host() + ":" + cluster.clusterEndpoint().port();
        Set<String> placed = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger placedAfterFailover = new AtomicInteger();
        AtomicBoolean failedOver = new AtomicBoolean();
        String oldWriter = cluster.writer().instanceId();

        try (HikariDataSource pool = HikariQuickstart.pool(endpoint, db.name(), db.user(), db.password(),
                cluster.instanceHostPattern())) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int worker = t;
                Thread thread = new Thread(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        String id = "w" + worker + "-" + n;
                        boolean after = failedOver.get();
                        try {
                            FailoverHandling.placeOrder(pool, id, n);
                            placed.add(id);
                            if (after) {
                                placedAfterFailover.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                            return;
                        }
                    }
                }, "sample-orders-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            Thread.sleep(1500);
            try {
                cluster.failover();
            } finally {
                failedOver.set(true);
            }
            Thread.sleep(2500);
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
        }

        cluster.restoreHealth();
        assertEquals(List.of(), failures, "placeOrder threw");
        assertTrue(!cluster.writer().instanceId().equals(oldWriter), "the cluster failed over");
        assertTrue(placedAfterFailover.get() > 0, "orders were placed on the new writer");
        Set<String> rows = new HashSet<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM orders")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        assertEquals(placed.size(), rows.size(), "rows in the database vs orders the application placed");
        assertEquals(placed, rows);
    }
}
