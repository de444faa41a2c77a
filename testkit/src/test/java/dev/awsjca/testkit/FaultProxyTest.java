package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Faults on an instance endpoint: blackhole, cut, swallowed replies, latency. */
@WithPgCluster(replicas = 0)
@Timeout(120)
class FaultProxyTest {

    private final TestDatabase db;
    private final PgCluster cluster;

    FaultProxyTest(TestDatabase db, PgCluster cluster) {
        this.db = db;
        this.cluster = cluster;
    }

    @AfterEach
    void heal() {
        cluster.healAll();
    }

    @Test
    void blackholeMakesAClientHangAndHealReleasesIt() throws Exception {
        PgNode writer = cluster.writer();
        try (Connection open = db.connect()) {
            cluster.blackhole(writer);
            CompletableFuture<String> query = CompletableFuture.supplyAsync(() -> {
                try {
                    return Sql.string(open, "SELECT 'released'");
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            });
            CompletableFuture<Connection> newConnection = CompletableFuture.supplyAsync(() -> {
                try {
                    return db.connect();
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            });
            // hanging is shown by not finishing; no RST or FIN reaches the client, so no error either
            Thread.sleep(1000);
            assertFalse(query.isDone(), "query hangs while blackholed");
            assertFalse(newConnection.isDone(), "a new connection hangs while blackholed");

            cluster.heal(writer);
            assertEquals("released", query.get(30, TimeUnit.SECONDS));
            try (Connection c = newConnection.get(30, TimeUnit.SECONDS)) {
                assertEquals("1", Sql.string(c, "SELECT 1"));
            }
        }
    }

    @Test
    void cutResetsOpenConnectionsOnly() throws Exception {
        try (Connection open = db.connect()) {
            Sql.string(open, "SELECT 1");
            cluster.cut(cluster.writer());
            SQLException e = assertThrows(SQLException.class, () -> Sql.string(open, "SELECT 1"));
            assertTrue(e.getSQLState().startsWith("08"), "connection error, was " + e.getSQLState());
        }
        try (Connection fresh = db.connect()) {
            assertEquals("1", Sql.string(fresh, "SELECT 1"));
        }
    }

    @Test
    void cutEndsConnectionsHeldByABlackhole() throws Exception {
        try (Connection open = db.connect()) {
            cluster.blackhole(cluster.writer());
            CompletableFuture<String> query = CompletableFuture.supplyAsync(() -> {
                try {
                    return Sql.string(open, "SELECT 1");
                } catch (SQLException e) {
                    return e.getSQLState();
                }
            });
            Thread.sleep(300);
            assertFalse(query.isDone(), "held by the blackhole");
            cluster.cut(cluster.writer());
            assertTrue(query.get(30, TimeUnit.SECONDS).startsWith("08"), "the held query ends with a connection error");
        }
    }

    @Test
    void swallowedRepliesLeaveACommitUnacknowledged() throws Exception {
        try (Connection c = db.connect()) {
            Sql.execute(c, "CREATE TABLE swallowed (v text)");
        }
        try (Connection c = Sql.connect(db.jdbcUrl(), db, "socketTimeout", "2")) {
            Sql.string(c, "SELECT 1");
            cluster.swallowReplies(cluster.writer());
            SQLException e = assertThrows(SQLException.class, () -> Sql.execute(c, "INSERT INTO swallowed VALUES ('committed')"));
            assertTrue(e.getSQLState().startsWith("08"), "no reply: a connection error, was " + e.getSQLState());
        }
        cluster.heal(cluster.writer());
        try (Connection c = db.connect()) {
            assertEquals("committed", Sql.string(c, "SELECT v FROM swallowed"), "the server did commit");
        }
    }

    @Test
    void latencyDelaysReplies() throws Exception {
        try (Connection c = db.connect()) {
            cluster.latency(cluster.writer(), 300);
            long t0 = System.nanoTime();
            assertEquals("1", Sql.string(c, "SELECT 1"));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis >= 290, "a round trip took at least the added latency, took " + millis + " ms");
            // a reply of many chunks (about 6 MB, hundreds of reads) is delayed once, not once per chunk
            t0 = System.nanoTime();
            String big = null;
            try (java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT repeat('x', 60) FROM generate_series(1, 100000)")) {
                int rows = 0;
                while (rs.next()) {
                    big = rs.getString(1);
                    rows++;
                }
                assertEquals(100000, rows);
            }
            millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(60, big.length());
            assertTrue(millis < 20_000, "a large reply is not delayed per chunk (hundreds of chunks), took " + millis + " ms");
            cluster.heal(cluster.writer());
            assertEquals("1", Sql.string(c, "SELECT 1"));
        }
    }
}
