package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.AfterEach;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.awsjca.plugins.readwritesplitting.Splitting.execute;
import static dev.awsjca.plugins.readwritesplitting.Splitting.host;
import static dev.awsjca.plugins.readwritesplitting.Splitting.onReplica;
import static dev.awsjca.plugins.readwritesplitting.Splitting.queryString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing on the real cluster: both modes, the transaction rule, read-only errors, session state, cleanup. */
@WithPgCluster(replicas = 2)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadWriteSplittingTest {

    private final PgCluster cluster;
    private final Splitting splitting;

    ReadWriteSplittingTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.splitting = new Splitting(cluster, db);
    }

    @BeforeEach
    void table() throws SQLException {
        cluster.restoreHealth();
        try (Connection c = splitting.direct()) {
            execute(c, "DROP TABLE IF EXISTS rws");
            execute(c, "CREATE TABLE rws (id int PRIMARY KEY, note text)");
            execute(c, "CREATE OR REPLACE FUNCTION rws_write(i int) RETURNS int LANGUAGE sql AS"
                    + " $$ INSERT INTO rws VALUES (i, 'fn') RETURNING id $$");
        }
        cluster.awaitReplication();
    }

    @AfterEach
    void healthy() {
        cluster.restoreHealth();
    }

    private int rows(String where) throws SQLException {
        try (Connection c = splitting.direct()) {
            return Integer.parseInt(queryString(c, "SELECT count(*) FROM rws WHERE " + where));
        }
    }

    @Test
    void setReadOnlyMovesToAReaderAndBack() throws SQLException {
        try (Connection c = splitting.connect("")) {
            assertFalse(onReplica(c));
            c.setReadOnly(true);
            assertTrue(onReplica(c), "read-only work runs on a reader");
            assertTrue(c.isReadOnly());
            c.setReadOnly(false);
            assertFalse(onReplica(c), "back on the writer");
            execute(c, "INSERT INTO rws VALUES (1, 'w')");
            c.setReadOnly(true);
            assertTrue(onReplica(c));
            c.setReadOnly(false);
            assertFalse(c.isReadOnly());
        }
        assertEquals(1, rows("id = 1"));
    }

    @Test
    void aTransactionIsNeverSplit() throws SQLException {
        try (Connection c = splitting.connect("")) {
            c.setAutoCommit(false);
            execute(c, "INSERT INTO rws VALUES (2, 'tx')");
            SQLException e = assertThrows(SQLException.class, () -> c.setReadOnly(true));
            assertEquals("25001", e.getSQLState(), e.getMessage());
            assertEquals("1", queryString(c, "SELECT count(*) FROM rws WHERE id = 2"), "the transaction sees its own row");
            assertFalse(onReplica(c));
            c.rollback();
            c.setReadOnly(true); // between transactions: moves, and the next transaction runs on the reader
            assertTrue(onReplica(c));
            queryString(c, "SELECT 1");
            SQLException open = assertThrows(SQLException.class, () -> c.setReadOnly(false));
            assertEquals("25001", open.getSQLState(), "a transaction is open on the reader: " + open.getMessage());
            assertTrue(onReplica(c), "still in the reader's transaction");
            c.commit();
            c.setReadOnly(false);
            assertFalse(onReplica(c));
        }
        assertEquals(0, rows("id = 2"));
    }

    @Test
    void aWriteOnAReadOnlyConnectionFailsWith25006AndTheConnectionWorksOn() throws SQLException {
        try (Connection c = splitting.connect("")) {
            c.setReadOnly(true);
            String reader = host(c);
            SQLException e = assertThrows(SQLException.class, () -> execute(c, "INSERT INTO rws VALUES (3, 'no')"));
            assertEquals("25006", e.getSQLState(), e.getMessage());
            assertEquals(reader, host(c), "no failover: the same reader");
            assertEquals("1", queryString(c, "SELECT 1"));
            c.setReadOnly(false);
            execute(c, "INSERT INTO rws VALUES (3, 'yes')");
        }
        assertEquals(1, rows("id = 3 AND note = 'yes'"));
    }

    @Test
    void sqlModeRoutesReadsToReadersAndEverythingElseToTheWriter() throws SQLException {
        try (Connection c = splitting.connect("&readWriteSplittingMode=sql")) {
            assertEquals("t", queryString(c, "SELECT pg_catalog.pg_is_in_recovery()"), "a plain SELECT reads on a reader");
            try (Statement s = c.createStatement()) {
                assertEquals(1, s.executeUpdate("INSERT INTO rws VALUES (4, 'sql')"));
                try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_is_in_recovery() FROM rws WHERE id = 4 FOR UPDATE")) {
                    assertTrue(rs.next());
                    assertFalse(rs.getBoolean(1), "FOR UPDATE locks rows: the writer");
                    assertTrue(rs.getStatement() == s, "the result set's statement is the application's");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_is_in_recovery(), ?::int + 1, ?::text")) {
                ps.setInt(1, 41);
                ps.setString(2, "p");
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertTrue(rs.getBoolean(1), "a prepared read runs on a reader");
                    assertEquals(42, rs.getInt(2));
                    assertEquals("p", rs.getString(3));
                }
            }
            // a function may write: the writer runs it
            assertEquals("5", queryString(c, "SELECT rws_write(5)"));
            // the hint says reader, the reader refuses the write (25006) before doing anything: re-run on the writer
            assertEquals("6", queryString(c, "/*@reader*/ SELECT rws_write(6)"));
            c.setAutoCommit(false);
            execute(c, "INSERT INTO rws VALUES (7, 'tx')");
            assertEquals("f", queryString(c, "SELECT pg_catalog.pg_is_in_recovery()"), "inside a transaction: the writer");
            assertEquals("1", queryString(c, "SELECT count(*) FROM rws WHERE id = 7"), "and it sees its own row");
            c.commit();
        }
        assertEquals(1, rows("id = 5"));
        assertEquals(1, rows("id = 6"), "re-run once, on the writer");
        assertEquals(1, rows("id = 7"));
    }

    @Test
    void sessionStateIsCarriedToTheReader() throws SQLException {
        try (Connection c = splitting.connect("")) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setSchema("pg_catalog");
            execute(c, "SET application_name = 'rws-session'");
            c.setClientInfo("ApplicationName", "rws-session-2");
            execute(c, "SET statement_timeout = '12s'");
            c.setReadOnly(true);
            assertTrue(onReplica(c));
            assertEquals("repeatable read", queryString(c, "SHOW transaction_isolation"));
            assertEquals("pg_catalog", queryString(c, "SELECT current_schema()"));
            assertEquals("rws-session-2", queryString(c, "SHOW application_name"));
            assertEquals("12s", queryString(c, "SHOW statement_timeout"));
            execute(c, "SET statement_timeout = '13s'"); // set on the reader: carried back to the writer
            c.setReadOnly(false);
            assertFalse(onReplica(c));
            assertEquals("13s", queryString(c, "SHOW statement_timeout"));
            c.setAutoCommit(false);
            execute(c, "SET statement_timeout = '14s'");
            c.rollback(); // a SET rolled back is not carried
            c.setAutoCommit(true);
            c.setReadOnly(true);
            assertEquals("13s", queryString(c, "SHOW statement_timeout"));
        }
    }

    @Test
    void readsSpreadOverReadersAndNoConnectionIsLeftOpen() throws SQLException {
        String app = "rws-spread";
        Set<String> used = new HashSet<>();
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Connection c = splitting.connect("&readerHostSelectorStrategy=roundRobin&ApplicationName=" + app);
                open.add(c);
                c.setReadOnly(true);
                used.add(host(c));
                assertTrue(onReplica(c));
            }
            assertEquals(cluster.replicas().size(), used.size(), "round robin uses every reader: " + used);
            for (Connection c : open) {
                c.setReadOnly(false); // the reader stays parked, open
            }
            assertEquals(12, splitting.openConnections(app), "a writer and a parked reader per logical connection");
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
        assertEquals(0, splitting.openConnections(app), "closing the logical connection closes both");
    }

    /**
     * Connections that move to readers at the same moment: leastConnections must count each choice as it is
     * made, not once the connection is open (logins take a while: 50 ms of latency on each reader here), or
     * every one of them sees the same counts and the ties fall at random.
     */
    @Test
    void leastConnectionsBalancesConnectionsThatMoveAtOnce() throws Exception {
        for (PgNode r : cluster.replicas()) {
            cluster.latency(r, 50);
        }
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            for (int round = 1; round <= 2; round++) {
                List<Connection> open = new ArrayList<>();
                try {
                    for (int i = 0; i < 16; i++) {
                        open.add(splitting.connect("&readerHostSelectorStrategy=leastConnections"));
                    }
                    CyclicBarrier together = new CyclicBarrier(open.size());
                    List<Future<String>> moved = new ArrayList<>();
                    for (Connection c : open) {
                        moved.add(threads.submit(() -> {
                            together.await();
                            c.setReadOnly(true);
                            return host(c);
                        }));
                    }
                    Map<String, Integer> perReader = new TreeMap<>();
                    for (Future<String> f : moved) {
                        perReader.merge(f.get(60, TimeUnit.SECONDS), 1, Integer::sum);
                    }
                    assertEquals(2, perReader.size(), "round " + round + ": " + perReader);
                    for (int n : perReader.values()) {
                        assertEquals(8, n, "round " + round + ", reader connections per reader: " + perReader);
                    }
                } finally {
                    for (Connection c : open) {
                        c.close();
                    }
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anIdleReaderConnectionIsClosed() throws Exception {
        String app = "rws-idle";
        try (Connection c = splitting.connect("&readerIdleTimeoutMs=1500&ApplicationName=" + app)) {
            c.setReadOnly(true);
            queryString(c, "SELECT 1");
            c.setReadOnly(false);
            assertEquals(2, splitting.openConnections(app));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (splitting.openConnections(app) > 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(1, splitting.openConnections(app), "the idle reader connection was closed");
            c.setReadOnly(true);
            assertTrue(onReplica(c), "and a new one is opened when needed");
        }
    }

    @Test
    void theConnectionWorksWithEitherPluginOrder() throws SQLException {
        try (Connection c = splitting.connect("failover,hostMonitoring,readWriteSplitting", "")) {
            c.setReadOnly(true);
            assertTrue(onReplica(c));
            c.setReadOnly(false);
            assertFalse(onReplica(c));
        }
    }

    @Test
    void withoutTheFailoverPluginTheErrorSaysWhatIsMissing() throws SQLException {
        try (Connection c = splitting.connect("readWriteSplitting", "")) {
            SQLException e = assertThrows(SQLException.class, () -> c.setReadOnly(true));
            assertTrue(e.getMessage().contains("failover"), e.getMessage());
        }
    }

    PgNode replica(int i) {
        return cluster.replicas().get(i);
    }
}
