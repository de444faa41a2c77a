package dev.awsjca.plugins.failover;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 50 connections writing through a failover, as an application following the error contract would:
 * re-run on 08S02, check before re-running on 08007. Every acknowledged write must be there exactly once.
 */
@WithPgCluster(replicas = 2)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConcurrentWritersFailoverTest {

    private static final int WRITERS = 50;
    private static final int WRITES_AFTER_FAILOVER = 3;

    private final PgCluster cluster;
    private final ClusterUrls urls;

    ConcurrentWritersFailoverTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.urls = new ClusterUrls(cluster, db);
    }

    @BeforeEach
    void healthyClusterAndTable() throws Exception {
        ClusterUrls.healthy(cluster);
        try (Connection c = urls.direct(); Statement s = c.createStatement()) {
            // no primary key on purpose: a write made twice must show up as two rows, not as an error
            s.execute("CREATE TABLE IF NOT EXISTS ledger (id bigint NOT NULL, writer int NOT NULL)");
            s.execute("TRUNCATE ledger");
        }
    }

    /** One application thread: its own connection, ids writer * 1_000_000 + n. */
    private final class Writer implements Runnable {
        final int number;
        final List<Long> acknowledged = new ArrayList<>();
        final ConcurrentLinkedQueue<Throwable> unexpected;
        final AtomicBoolean stop;
        final CountDownLatch ready;
        final AtomicBoolean failedOver;
        volatile int writesAfterFailover;
        volatile int writesBeforeFailover;
        int retries;

        Writer(int number, ConcurrentLinkedQueue<Throwable> unexpected, AtomicBoolean stop, CountDownLatch ready,
               AtomicBoolean failedOver) {
            this.number = number;
            this.unexpected = unexpected;
            this.stop = stop;
            this.ready = ready;
            this.failedOver = failedOver;
        }

        @Override
        public void run() {
            try (Connection c = urls.connect(urls.url(cluster.writer(), ""))) {
                ready.countDown();
                long next = number * 1_000_000L;
                while (!stop.get()) {
                    long id = next++;
                    boolean after = failedOver.get();
                    writeOnce(c, id);
                    if (after) {
                        writesAfterFailover++;
                    } else {
                        writesBeforeFailover++;
                    }
                }
            } catch (Throwable t) {
                unexpected.add(t);
            } finally {
                ready.countDown();
            }
        }

        /** Writes the row once, whatever the failover does; returns when it is known to be there. */
        private void writeOnce(Connection c, long id) throws SQLException {
            for (int attempt = 0; ; attempt++) {
                if (attempt > 20) {
                    throw new AssertionError("writer " + number + " could not write " + id + " in 20 attempts");
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger VALUES (?, ?)")) {
                    ps.setLong(1, id);
                    ps.setInt(2, number);
                    ps.executeUpdate();
                    acknowledged.add(id);
                    return;
                } catch (SQLException e) {
                    retries++;
                    switch (e.getSQLState()) {
                        case "08S02" -> {
                            // did not take effect: run it again
                        }
                        case "08007" -> {
                            if (exists(c, id)) {
                                return; // it did commit; not acknowledged, but present
                            }
                        }
                        default -> throw e;
                    }
                }
            }
        }

        private boolean exists(Connection c, long id) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ledger WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) > 0;
                }
            }
        }
    }

    @Test
    void fiftyWritersRecoverAndNoAcknowledgedWriteIsLostOrDoubled() throws Exception {
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean failedOver = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(WRITERS);
        List<Writer> writers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i <= WRITERS; i++) {
            Writer w = new Writer(i, unexpected, stop, ready, failedOver);
            writers.add(w);
            Thread t = new Thread(w, "ledger-writer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        assertTrue(ready.await(60, TimeUnit.SECONDS), "writers connected");
        long running = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (writers.stream().anyMatch(w -> w.writesBeforeFailover < 5)) { // every writer mid-loop when the writer crashes
            assertTrue(System.nanoTime() < running, "writers writing before the fault");
            Thread.sleep(10);
        }
        cluster.failover();
        failedOver.set(true);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && unexpected.isEmpty()
                && writers.stream().anyMatch(w -> w.writesAfterFailover < WRITES_AFTER_FAILOVER)) {
            Thread.sleep(50);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertTrue(unexpected.isEmpty(), () -> "unexpected failures: " + unexpected);
        for (Writer w : writers) {
            assertTrue(w.writesAfterFailover >= WRITES_AFTER_FAILOVER,
                    "writer " + w.number + " wrote " + w.writesAfterFailover + " rows after the failover");
        }

        Set<Long> present = new HashSet<>();
        try (Connection c = urls.direct(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id, count(*) FROM ledger GROUP BY id HAVING count(*) > 1")) {
                assertFalse(rs.next(), "no write is made twice");
            }
            try (ResultSet rs = s.executeQuery("SELECT id FROM ledger")) {
                while (rs.next()) {
                    present.add(rs.getLong(1));
                }
            }
        }
        int acknowledged = 0;
        for (Writer w : writers) {
            for (long id : w.acknowledged) {
                assertTrue(present.contains(id), "acknowledged write " + id + " was lost");
            }
            acknowledged += w.acknowledged.size();
        }
        assertTrue(writers.stream().mapToInt(w -> w.retries).sum() >= 1, "the failover interrupted someone");
        System.out.printf("ledger: %d rows, %d acknowledged, %d retries%n", present.size(), acknowledged,
                writers.stream().mapToInt(w -> w.retries).sum());
    }
}
