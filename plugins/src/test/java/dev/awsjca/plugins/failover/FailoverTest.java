package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.FailoverFailedSQLException;
import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.TransactionStateUnknownSQLException;
import dev.awsjca.plugins.InFlight;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crashes, promotions and lost replies on a real three-node cluster, and what the application sees.
 * Each test starts from a healthy cluster (the old writer rejoins as a replica afterwards).
 */
@WithPgCluster(replicas = 2, shared = false)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailoverTest {

    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "failover-test");
        t.setDaemon(true);
        return t;
    });

    private final PgCluster cluster;
    private final TestDatabase db;

    FailoverTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    @AfterAll
    static void stopBackground() {
        BACKGROUND.shutdownNow();
    }

    @BeforeEach
    void healthyClusterAndTable() throws Exception {
        cluster.restoreHealth();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS item (id int PRIMARY KEY, note text)");
            s.execute("TRUNCATE item");
        }
    }

    String url(PgNode node, String extra) {
        return "jdbc:aws-wrapper:postgresql://" + node.host() + ":" + node.port() + "/" + db.name()
                + "?plugins=failover&failoverTimeoutMs=20000&connectTimeout=2&socketTimeout=20"
                + "&clusterInstanceHostPattern=" + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8) + extra;
    }

    Connection connectToWriter(String extra) throws SQLException {
        return DriverManager.getConnection(url(cluster.writer(), extra), db.user(), db.password());
    }

    static String host(Connection c) throws SQLException {
        return c.unwrap(ConnectionWrapper.class).pipeline().currentHost().host();
    }

    static boolean onWriter(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    int count(String where) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(cluster.writer(), ""), db.user(), db.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM item WHERE " + where)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Runs the statement in the background, fails the writer over while it runs, returns what it threw. */
    Throwable failOverDuring(Connection c, String sql, Runnable fault) throws Exception {
        Future<Throwable> running = BACKGROUND.submit(() -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        InFlight.await(cluster.writer(), db, sql); // it runs on the server: now the fault
        fault.run();
        return running.get(60, TimeUnit.SECONDS);
    }

    @Test
    void aSelectInFlightGets08007BecauseItMayHaveWrittenAndTheConnectionWorksOnTheNewWriter() throws Exception {
        try (Connection c = connectToWriter("")) {
            String oldWriter = host(c);
            Throwable t = failOverDuring(c, "SELECT pg_sleep(3)", cluster::failover);
            // its text says "read", but a SELECT may call a function that writes: only 08S02 when provably not
            assertInstanceOf(TransactionStateUnknownSQLException.class, t);
            assertEquals("08007", ((SQLException) t).getSQLState());
            assertNotEquals(oldWriter, host(c));
            assertTrue(onWriter(c));
            assertEquals(cluster.writer().host(), host(c));
        }
    }

    @Test
    void writeInFlightIsNeverReportedAsSafeToRerun() throws Exception {
        try (Connection c = connectToWriter("")) {
            Throwable t = failOverDuring(c, "INSERT INTO item SELECT 1, 'slow' FROM pg_sleep(3)", cluster::failover);
            assertInstanceOf(TransactionStateUnknownSQLException.class, t);
            assertEquals("08007", ((SQLException) t).getSQLState());
            assertTrue(onWriter(c));
        }
    }

    @Test
    void aCommittedWriteWhoseReplyIsLostIsNotReportedAsSafeToRerun() throws Exception {
        try (Connection c = connectToWriter("")) {
            PgNode writer = cluster.writer();
            cluster.swallowReplies(writer);
            Future<Throwable> insert = BACKGROUND.submit(() -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO item VALUES (7, 'reply lost')");
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            // the insert committed on the writer (and its synchronous replica); its reply was dropped
            InFlight.await(writer, db, "INSERT INTO item VALUES (7, 'reply lost')", "idle");
            cluster.failover();
            Throwable t = insert.get(60, TimeUnit.SECONDS);
            assertInstanceOf(TransactionStateUnknownSQLException.class, t, String.valueOf(t));
            assertEquals("08007", ((SQLException) t).getSQLState());
            assertTrue(onWriter(c));
        }
        assertEquals(1, count("id = 7"), "committed once: an application that re-ran on 08S02 would have written it twice");
    }

    @Test
    void transactionLostInAFailoverGets08007AndTheNextTransactionCommits() throws Exception {
        try (Connection c = connectToWriter("")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO item VALUES (1, 'lost with the writer')");
            }
            cluster.failover();
            SQLException e = assertThrows(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO item VALUES (2, 'same transaction')");
                }
            });
            assertEquals("08007", e.getSQLState(), e.toString());
            assertFalse(c.getAutoCommit(), "session state restored on the new writer");
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO item VALUES (3, 'next transaction')");
            }
            c.commit();
        }
        assertEquals(0, count("id IN (1, 2)"));
        assertEquals(1, count("id = 3"));
    }

    @Test
    void resultSetIterationInATransactionGets08007() throws Exception {
        try (Connection c = connectToWriter("")) {
            c.setAutoCommit(false);
            Statement s = c.createStatement();
            s.setFetchSize(10);
            ResultSet rs = s.executeQuery("SELECT g, pg_sleep(0.01) FROM generate_series(1, 2000) g");
            rs.next();
            cluster.failover();
            SQLException e = assertThrows(SQLException.class, () -> {
                while (rs.next()) {
                    rs.getInt(1);
                }
            });
            assertTrue(e.getSQLState().equals("08007") || e.getSQLState().equals("55000"), e.toString());
            c.rollback();
            assertTrue(onWriter(c));
        }
    }

    @Test
    void idleConnectionMovesOnItsNextUse() throws Exception {
        try (Connection c = connectToWriter("")) {
            String before = host(c);
            cluster.failover();
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1").close();
            } catch (FailoverSuccessSQLException | TransactionStateUnknownSQLException e) {
                // the idle session died under it: moved (08007 when the SELECT was already sent)
            }
            assertNotEquals(before, host(c));
            assertTrue(onWriter(c));
        }
    }

    /** Writes a row in a transaction, applies the fault to the writer, commits, fails over; what commit threw. */
    Throwable commitDuringFailover(int id, java.util.function.Consumer<PgNode> fault) throws Exception {
        return commitDuringFailover("INSERT INTO item VALUES (" + id + ", 'commit during failover')", fault);
    }

    Throwable commitDuringFailover(String sql, java.util.function.Consumer<PgNode> fault) throws Exception {
        try (Connection c = connectToWriter("")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            fault.accept(cluster.writer());
            Future<Throwable> commit = BACKGROUND.submit(() -> {
                try {
                    c.commit();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(500);
            cluster.failover();
            return commit.get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Runs {@code sql} in a transaction whose COMMIT takes a second on the server (a deferred trigger), drops
     * the writer's replies once pg_stat_activity shows the COMMIT running, fails over; what commit threw.
     */
    Throwable commitWithLostReply(String sql) throws Exception {
        try (Connection d = db.connect(); Statement s = d.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS slow_commit (id serial)");
            s.execute("CREATE OR REPLACE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql"
                    + " AS 'BEGIN PERFORM pg_sleep(1); RETURN NULL; END'");
            s.execute("DROP TRIGGER IF EXISTS slow_commit ON slow_commit");
            s.execute("CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON slow_commit DEFERRABLE INITIALLY DEFERRED"
                    + " FOR EACH ROW EXECUTE FUNCTION slow_commit()");
        }
        try (Connection c = connectToWriter("")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                s.execute("INSERT INTO slow_commit DEFAULT VALUES");
            }
            Future<Throwable> commit = BACKGROUND.submit(() -> {
                try {
                    c.commit();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            PgNode writer = cluster.writer();
            InFlight.await(writer, db, "COMMIT", "active");
            cluster.swallowReplies(writer);
            InFlight.await(writer, db, "COMMIT", "idle"); // it committed on the server; its reply was dropped
            cluster.failover();
            return commit.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCommitWhoseReplyIsLostIsNeverReportedRolledBack() throws Exception {
        Throwable t = commitWithLostReply("INSERT INTO item VALUES (10, 'commit during failover')");
        // the new writer's "committed" cannot be told from a reused transaction id: unknown, never "rolled back"
        assertInstanceOf(TransactionStateUnknownSQLException.class, t, String.valueOf(t));
        assertEquals(1, count("id = 10"));
    }

    @Test
    void aLostCommitOfATransactionThatWroteThroughASelectIsNeverReportedCommitted() throws Exception {
        try (Connection d = db.connect(); Statement s = d.createStatement()) {
            s.execute("CREATE OR REPLACE FUNCTION add_item(i int) RETURNS int LANGUAGE sql"
                    + " AS 'INSERT INTO item VALUES (i, ''by a function'') RETURNING i'");
        }
        // the SQL text reads; the database knows the transaction wrote (it has a transaction id)
        Throwable t = commitWithLostReply("SELECT add_item(12)");
        assertInstanceOf(TransactionStateUnknownSQLException.class, t, String.valueOf(t));
        assertEquals("08007", ((SQLException) t).getSQLState());
        assertEquals(1, count("id = 12"));
    }

    @Test
    void aCommitThatNeverReachedTheWriterIsReportedRolledBack() throws Exception {
        Throwable t = commitDuringFailover(11, cluster::blackhole);
        // the held COMMIT dies with the old writer's socket; the new writer never saw it commit
        assertInstanceOf(SQLException.class, t, String.valueOf(t));
        String state = ((SQLException) t).getSQLState();
        assertTrue(t instanceof SQLTransactionRollbackException || state.equals("08007"), t.toString());
        assertEquals(0, count("id = 11"));
    }

    @Test
    void twoFailoversInARow() throws Exception {
        try (Connection c = connectToWriter("")) {
            for (int round = 0; round < 2; round++) {
                PgNode old = cluster.writer();
                cluster.failover();
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO item VALUES (" + (20 + round) + ", 'after failover')");
                } catch (FailoverSuccessSQLException | TransactionStateUnknownSQLException e) {
                    if (count("id = " + (20 + round)) == 0) {
                        try (Statement s = c.createStatement()) {
                            s.execute("INSERT INTO item VALUES (" + (20 + round) + ", 'after failover')");
                        }
                    }
                }
                assertEquals(cluster.writer().host(), host(c));
                cluster.rejoin(old);
            }
        }
        assertEquals(2, count("id IN (20, 21)"));
    }

    @Test
    void aClosedConnectionStaysClosed() throws Exception {
        Connection c = connectToWriter("");
        c.close();
        cluster.failover();
        assertFalse(c.isValid(1));
        assertTrue(c.isClosed());
        assertThrows(SQLException.class, c::createStatement);
    }

    @Test
    void otherConnectionsLearnTheNewWriterAndMoveWithoutAnError() throws Exception {
        try (Connection a = connectToWriter(""); Connection b = connectToWriter("")) {
            cluster.failover();
            try (Statement s = a.createStatement()) {
                s.executeQuery("SELECT 1").close();
            } catch (FailoverSuccessSQLException | TransactionStateUnknownSQLException expected) {
                // a finds out first
            }
            String writer = cluster.writer().host();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            // b never saw an error: its next call on the Connection moves it before anything is sent
            try (Statement s = b.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT pg_is_in_recovery()")) {
                rs.next();
                assertTrue(rs.getBoolean(1));
            }
            assertEquals(writer, host(b));
            assertTrue(System.nanoTime() < deadline);
        }
    }

    @Test
    void demotedWriterIsLeftOnWritesButTheApplicationsOwnReadOnlyIsNot() throws Exception {
        try (Connection c = connectToWriter(""); Connection ro = connectToWriter("")) {
            ro.setReadOnly(true);
            ro.setAutoCommit(false);
            SQLException own = assertThrows(SQLException.class, () -> {
                try (Statement s = ro.createStatement()) {
                    s.execute("INSERT INTO item VALUES (30, 'read-only')");
                }
            });
            assertEquals("25006", own.getSQLState(), "the application's read-only is its own business");
            ro.rollback();
        }
        try (Connection c = connectToWriter("")) {
            PgNode old = cluster.writer();
            Statement before = c.createStatement();
            cluster.switchover();
            // refused by the demoted writer (25006) or stopped before it was sent: 08S02; the session ended by the
            // shutdown while the statement may have been running: 08007. Never silently lost or duplicated.
            SQLException e = assertThrows(SQLException.class, () -> before.execute("INSERT INTO item VALUES (31, 'refused')"));
            assertTrue(e.getSQLState().equals("08S02") || e.getSQLState().equals("08007"), e.toString());
            assertNotEquals(old.host(), host(c));
            if (count("id = 31") == 0) {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO item VALUES (31, 'on the new writer')");
                }
            }
        }
        assertEquals(1, count("id = 31"));
    }

    @Test
    void jmxShowsTheClusterAndItsFailovers() throws Exception {
        try (Connection c = connectToWriter("")) {
            cluster.failover();
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1").close();
            } catch (FailoverSuccessSQLException | TransactionStateUnknownSQLException expected) {
                // moved
            }
            // this cluster's (monitors of other test classes' clusters may still linger in this JVM)
            ObjectName name = ManagementFactory.getPlatformMBeanServer()
                    .queryNames(new ObjectName("dev.awsjca:type=Cluster,*"), null).stream()
                    .filter(n -> ObjectName.unquote(n.getKeyProperty("name")).contains("@" + cluster.instanceHostPattern() + "/"))
                    .findFirst().orElseThrow();
            var server = ManagementFactory.getPlatformMBeanServer();
            assertEquals(cluster.writer().host() + ":" + cluster.writer().port(), server.getAttribute(name, "Writer"));
            assertTrue((Long) server.getAttribute(name, "FailoverCount") >= 1);
            assertTrue(((String[]) server.getAttribute(name, "Topology")).length >= 1);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
