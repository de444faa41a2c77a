package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.awsjca.plugins.readwritesplitting.Splitting.execute;
import static dev.awsjca.plugins.readwritesplitting.Splitting.host;
import static dev.awsjca.plugins.readwritesplitting.Splitting.onReplica;
import static dev.awsjca.plugins.readwritesplitting.Splitting.queryString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readers that crash, hang, lag or are missing, and a writer failover while reading on a reader. */
@WithPgCluster(replicas = 2)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReaderFaultsTest {

    private final PgCluster cluster;
    private final Splitting splitting;

    ReaderFaultsTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.splitting = new Splitting(cluster, db);
    }

    @BeforeEach
    void table() throws SQLException {
        cluster.restoreHealth();
        try (Connection c = splitting.direct()) {
            execute(c, "DROP TABLE IF EXISTS rwf");
            execute(c, "CREATE TABLE rwf (id int PRIMARY KEY)");
        }
        cluster.awaitReplication();
    }

    @AfterEach
    void healthy() {
        for (PgNode r : cluster.replicas()) {
            if (r.isRunning()) {
                r.execute("postgres", "SELECT pg_catalog.pg_wal_replay_resume()");
            }
        }
        cluster.restoreHealth();
    }

    private PgNode node(String host) {
        return cluster.nodes().stream().filter(n -> n.host().equals(host)).findFirst().orElseThrow();
    }

    @Test
    void aCrashedReaderFailsTheReadWith08S02AndTheConnectionReadsOn() throws SQLException {
        try (Connection c = splitting.connect("")) {
            c.setReadOnly(true);
            String reader = host(c);
            cluster.crash(node(reader));
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> queryString(c, "SELECT 1"));
            assertEquals("08S02", e.getSQLState(), e.toString());
            assertEquals("1", queryString(c, "SELECT 1"), "the connection works again");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < 5000, "crash to next successful read: " + ms + " ms");
            assertNotEquals(reader, host(c));
            assertTrue(c.isReadOnly());
        }
    }

    @Test
    void aBlackholedReaderIsLeftWithinTheDetectionTime() throws SQLException {
        try (Connection c = splitting.connect("&readerHostSelectorStrategy=roundRobin")) {
            c.setReadOnly(true);
            String reader = host(c);
            cluster.blackhole(node(reader));
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> queryString(c, "SELECT 1"));
            assertTrue(e instanceof FailoverSuccessSQLException, e.toString());
            assertEquals("1", queryString(c, "SELECT 1"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < 8000, "blackhole to next successful read: " + ms + " ms (detection is about 2 s)");
            assertNotEquals(reader, host(c));
        }
    }

    /**
     * A reader declared down while blackholed (a read was stuck on it) is used again once it answers: the
     * cluster's monitor stays up the whole time (this connection holds it), so nothing starts afresh.
     */
    @Test
    void aBlackholedReaderIsUsedAgainOnceItAnswers() throws Exception {
        try (Connection c = splitting.connect("&readerHostSelectorStrategy=roundRobin")) {
            c.setReadOnly(true);
            String reader = host(c);
            // reads back to back, as a busy application does: host monitoring watches every one of them and
            // declares the blackholed reader dead (the cluster's health record says DOWN)
            CompletableFuture<SQLException> loop = CompletableFuture.supplyAsync(() -> {
                while (true) {
                    try {
                        queryString(c, "SELECT 1");
                    } catch (SQLException e) {
                        return e;
                    }
                }
            });
            Thread.sleep(500);
            cluster.blackhole(node(reader));
            assertTrue(loop.get(30, TimeUnit.SECONDS) instanceof FailoverSuccessSQLException);
            assertEquals("1", queryString(c, "SELECT 1"));
            cluster.heal(node(reader));
            long healed = System.nanoTime();
            Set<String> used = new HashSet<>();
            while (!used.contains(reader) && System.nanoTime() - healed < TimeUnit.SECONDS.toNanos(15)) {
                Thread.sleep(500);
                for (int i = 0; i < 4; i++) {
                    try (Connection more = splitting.connect("&readerHostSelectorStrategy=roundRobin")) {
                        more.setReadOnly(true);
                        used.add(host(more));
                    }
                }
            }
            assertTrue(used.contains(reader), "reader " + reader + " not used again within 15 s of the heal; used: " + used);
        }
    }

    @Test
    void withNoReaderReadOnlyWorkRunsOnTheWriterReadOnlyOrFailsFast() throws SQLException {
        for (PgNode r : cluster.replicas()) {
            cluster.crash(r);
        }
        try (Connection c = splitting.connect("")) {
            long start = System.nanoTime();
            c.setReadOnly(true);
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5000, "bounded time");
            assertFalse(onReplica(c), "readerFallback=writer");
            SQLException e = assertThrows(SQLException.class, () -> execute(c, "INSERT INTO rwf VALUES (1)"));
            assertEquals("25006", e.getSQLState(), "read-only on the writer too: " + e.getMessage());
            c.setReadOnly(false);
            // (no write here: with every replica down, synchronous replication holds commits)
            assertEquals("off", queryString(c, "SHOW transaction_read_only"), "read-write again");
        }
        try (Connection c = splitting.connect("&readerFallback=fail")) {
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> c.setReadOnly(true));
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5000, "bounded time");
            assertEquals("08001", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("readerFallback=fail"), e.getMessage());
            assertEquals("0", queryString(c, "SELECT count(*) FROM rwf"), "the connection stays on the writer and works");
        }
    }

    @Test
    void aLaggingReaderIsNotChosen() throws Exception {
        PgNode paused = cluster.replicas().get(0);
        try (Connection anchor = splitting.connect("&maxReaderLagMs=300&readerHostSelectorStrategy=roundRobin")) {
            anchor.setReadOnly(true); // starts the reader probes of the cluster
            paused.execute("postgres", "SELECT pg_catalog.pg_wal_replay_pause()");
            try (Connection w = splitting.direct()) {
                execute(w, "INSERT INTO rwf VALUES (2)");
            }
            Thread.sleep(2000); // the paused replica's last replayed commit is now older than 300 ms
            List<Connection> open = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Connection c = splitting.connect("&maxReaderLagMs=300&readerHostSelectorStrategy=roundRobin");
                    open.add(c);
                    c.setReadOnly(true);
                    assertNotEquals(paused.host(), host(c), "the paused replica lags");
                    assertEquals("1", queryString(c, "SELECT count(*) FROM rwf WHERE id = 2"));
                }
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
        }
    }

    @Test
    void readAfterWriteWaitsForTheReaderOrReadsOnTheWriter() throws SQLException {
        try (Connection plain = splitting.connect("");
             Connection c = splitting.connect("&readAfterWrite=wait&readAfterWriteTimeoutMs=300")) {
            for (PgNode r : cluster.replicas()) {
                r.execute("postgres", "SELECT pg_catalog.pg_wal_replay_pause()");
            }
            execute(c, "INSERT INTO rwf VALUES (3)");
            plain.setReadOnly(true);
            assertEquals("0", queryString(plain, "SELECT count(*) FROM rwf"), "a paused reader does not have the row");
            c.setReadOnly(true);
            assertEquals("1", queryString(c, "SELECT count(*) FROM rwf"), "read your own write");
            assertFalse(onReplica(c), "no reader replayed it within 300 ms: the writer serves");
            c.setReadOnly(false);
            for (PgNode r : cluster.replicas()) {
                r.execute("postgres", "SELECT pg_catalog.pg_wal_replay_resume()");
            }
            c.setAutoCommit(false);
            execute(c, "INSERT INTO rwf VALUES (4)");
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(true);
            assertTrue(onReplica(c), "replayed in time: a reader serves");
            assertEquals("2", queryString(c, "SELECT count(*) FROM rwf"));
        }
    }

    @Test
    void theWriterFailsOverWhileTheConnectionReadsOnAReader() throws Exception {
        try (Connection c = splitting.connect("")) {
            c.setReadOnly(true);
            assertTrue(onReplica(c));
            cluster.failover();
            // the read may meet the reader moving to the new writer once; it never needs the old writer
            String one;
            try {
                one = queryString(c, "SELECT 1");
            } catch (SQLException e) {
                assertEquals("08S02", e.getSQLState(), e.toString());
                one = queryString(c, "SELECT 1");
            }
            assertEquals("1", one);
            c.setReadOnly(false);
            try {
                execute(c, "INSERT INTO rwf VALUES (5)");
            } catch (SQLException e) {
                // the writer connection kept for this logical connection died with the old writer: the INSERT
                // never ran (08S02), or its effect cannot be proven (08007); either way the handle moved on
                assertTrue(List.of("08S02", "08007").contains(e.getSQLState()), e.toString());
                execute(c, "INSERT INTO rwf VALUES (5)");
            }
            assertFalse(onReplica(c), "on the new writer");
            assertEquals(cluster.writer().host(), host(c));
        }
    }

    @Test
    void fastestResponseAvoidsASlowReader() throws Exception {
        PgNode slow = cluster.replicas().get(0);
        String opts = "&readerHostSelectorStrategy=fastestResponse";
        try (Connection anchor = splitting.connect(opts)) {
            anchor.setReadOnly(true);
            cluster.latency(slow, 20);
            Thread.sleep(3000); // the probes measure the new round trips
            int onSlow = 0;
            for (int i = 0; i < 20; i++) {
                try (Connection c = splitting.connect(opts)) {
                    c.setReadOnly(true);
                    if (host(c).equals(slow.host())) {
                        onSlow++;
                    }
                }
            }
            assertTrue(onSlow < 2, onSlow + " of 20 reads went to the reader 20 ms slower");
        }
    }
}
