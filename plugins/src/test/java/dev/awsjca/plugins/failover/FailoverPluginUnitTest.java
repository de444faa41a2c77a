package dev.awsjca.plugins.failover;

import dev.awsjca.config.WrapperConfig;
import dev.awsjca.fakes.FakeCluster;
import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.FakeDriverConnections;
import dev.awsjca.jdbc.FailoverFailedSQLException;
import dev.awsjca.topology.ClusterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failover loop's edge paths, on a fake driver that can fail at the exact point a real server
 * cannot be made to: a writer check that throws, a session setting the new node refuses, two threads
 * failing over one connection at once, a commit whose transaction wrote through a SELECT. Each ends on a
 * checked, configured connection or on 08001, and leaves no physical connection open.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FailoverPluginUnitTest {

    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final String MONITOR = FailoverPlugin.PROBE_PROPERTIES.get("ApplicationName");

    private final FakeCluster fake = new FakeCluster();
    private final ClusterRegistry clusters = new ClusterRegistry();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final String w = "w" + CLUSTERS.incrementAndGet() + ".fake";
    private final FakeCluster.Node writer = fake.node(w, 5432);
    private final FakeCluster.Node reader = fake.node("r" + CLUSTERS.get() + ".fake", 5432);

    FailoverPluginUnitTest() {
        writer.writer = true;
    }

    @AfterEach
    void nothingLeftOpen() {
        threads.shutdownNow();
        clusters.close();
        assertEquals(List.of(), fake.open(), "every physical connection the adapter opened is closed");
    }

    private ConnectionWrapper connect() throws SQLException {
        return connect(new Properties());
    }

    private ConnectionWrapper connect(Properties info) throws SQLException {
        String url = "jdbc:aws-wrapper:postgresql://" + w + ":5432," + reader.host().endpoint() + "/db?plugins=failover"
                + "&dialect=postgresql&failoverTimeoutMs=3000&clusterTopologyRefreshMs=60000";
        return FakeDriverConnections.open(WrapperConfig.from(url, info), fake.driver(), clusters);
    }

    /** The writer's node is lost for the application (its monitor connections too); the reader is promoted. */
    private void writerLost() {
        writer.writer = false;
        writer.onQuery = (n, what, app) -> {
            throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
        };
        writer.onLogin = writer.onQuery;
        reader.writer = true;
    }

    /** The writer is lost when the application's statement starting so reaches it (not before: no probe sees it sooner). */
    private void loseWriterOn(String statement) {
        writer.onQuery = (n, what, app) -> {
            if (isApplication(app) && what.startsWith(statement)) {
                writerLost();
                throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
            }
        };
    }

    private static boolean isApplication(String applicationName) {
        return !MONITOR.equals(applicationName);
    }

    @Test
    void aWriterCheckThatThrowsIsNotASuccessfulFailover() throws Exception {
        try (ConnectionWrapper c = connect()) {
            AtomicBoolean once = new AtomicBoolean();
            loseWriterOn("SELECT 1");
            reader.onQuery = (n, what, app) -> {
                if (isApplication(app) && what.contains("pg_is_in_recovery") && once.compareAndSet(false, true)) {
                    throw new SQLException("canceling statement due to statement timeout", "57014");
                }
            };
            SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute("SELECT 1"));
            if (c.pipeline().currentHost().endpoint().equals(reader.host().endpoint())) {
                assertTrue(fake.checkedAsWriter(c.pipeline().currentConnection()),
                        "the failover ended on a connection whose role was never checked: " + e);
            } else {
                assertEquals("08001", e.getSQLState(), e.toString());
            }
        }
    }

    @Test
    void aSessionSettingTheNewNodeRefusesEndsIn08001AndLeaksNothing() throws Exception {
        try (ConnectionWrapper c = connect()) {
            c.setSchema("app");
            loseWriterOn("SELECT 1");
            reader.onQuery = (n, what, app) -> {
                if (isApplication(app) && what.equals("setSchema")) {
                    throw new SQLException("schema refused", "3F000");
                }
            };
            SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute("SELECT 1"));
            assertInstanceOf(FailoverFailedSQLException.class, e, e.toString());
            assertEquals("08001", e.getSQLState());
        }
    }

    @Test
    void twoThreadsFailingOverOneConnectionAtOnceMoveItOnce() throws Exception {
        try (ConnectionWrapper c = connect()) {
            Statement a = c.createStatement();
            Statement b = c.createStatement();
            CountDownLatch bothRunning = new CountDownLatch(2);
            writer.onQuery = (n, what, app) -> {
                if (isApplication(app) && what.startsWith("UPDATE")) {
                    bothRunning.countDown();
                    await(bothRunning, 5000); // both statements are in flight when the node goes
                    writerLost();
                    throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                }
            };
            CountDownLatch logins = new CountDownLatch(2);
            reader.onLogin = (n, what, app) -> {
                if (isApplication(app)) {
                    logins.countDown();
                    await(logins, 500); // holds the first login a while so that a second failover overlaps it
                }
            };
            Future<Throwable> first = threads.submit(() -> run(a, "UPDATE t SET x = 1"));
            Future<Throwable> second = threads.submit(() -> run(b, "UPDATE t SET x = 2"));
            for (Future<Throwable> f : List.of(first, second)) {
                // in flight: 08007; the one whose statement's session was moved by the other: 08003, a new statement
                Throwable t = f.get(10, TimeUnit.SECONDS);
                assertInstanceOf(SQLException.class, t);
                assertTrue(List.of("08007", "08003").contains(((SQLException) t).getSQLState()), t.toString());
            }
            assertEquals(reader.host().endpoint(), c.pipeline().currentHost().endpoint());
            long onReader = fake.open().stream().map(Object::toString)
                    .filter(x -> x.contains(reader.host().endpoint()) && !x.contains(MONITOR)).count();
            assertEquals(1, onReader, "application connections open on the new writer: " + fake.open());
        }
    }

    @Test
    void aLostCommitOfATransactionThatWroteThroughASelectIsNotReportedCommitted() throws Exception {
        try (ConnectionWrapper c = connect()) {
            c.setAutoCommit(false);
            c.createStatement().execute("SELECT fn_that_writes()");
            writer.txid = 742L; // the database assigned an id: the function wrote
            writer.onQuery = (n, what, app) -> {
                if (isApplication(app) && what.equals("COMMIT")) {
                    writerLost();
                    throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                }
            };
            SQLException e = assertThrows(SQLException.class, c::commit);
            assertEquals("08007", e.getSQLState(), e.toString());
        }
    }

    @Test
    void aLostCommitOfATransactionThatWroteNothingSucceeds() throws Exception {
        try (ConnectionWrapper c = connect()) {
            c.setAutoCommit(false);
            c.createStatement().execute("UPDATE t SET x = 1 WHERE false");
            writer.txid = null; // nothing written: no id assigned
            writer.onQuery = (n, what, app) -> {
                if (isApplication(app) && what.equals("COMMIT")) {
                    writerLost();
                    throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                }
            };
            c.commit(); // committed or not, nothing differs
            assertEquals(reader.host().endpoint(), c.pipeline().currentHost().endpoint());
        }
    }

    @Test
    void anAutocommitSelectInFlightMayHaveWrittenAndIsNot08S02() throws Exception {
        try (ConnectionWrapper c = connect()) {
            writer.onQuery = (n, what, app) -> {
                if (isApplication(app) && what.startsWith("SELECT fn")) {
                    writerLost();
                    throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                }
            };
            SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute("SELECT fn_that_writes()"));
            assertEquals("08007", e.getSQLState(), e.toString());
        }
    }

    private static Throwable run(Statement s, String sql) {
        try {
            s.execute(sql);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static void await(CountDownLatch latch, long ms) {
        try {
            latch.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    private static Properties login(String user) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", "secret-of-" + user);
        return p;
    }

    @Test
    void connectionsOfAnotherUserGetAMonitorOfTheirOwn() throws Exception {
        try (ConnectionWrapper alice = connect(login("alice")); ConnectionWrapper alice2 = connect(login("alice"));
             ConnectionWrapper bob = connect(login("bob"))) {
            assertSame(alice.pipeline().cluster(), alice2.pipeline().cluster());
            // bob's login may fail while alice's works (a locked role, a rotated password): never one monitor
            assertNotSame(alice.pipeline().cluster(), bob.pipeline().cluster());
            assertFalse(alice.pipeline().cluster().key().contains("secret-of"), alice.pipeline().cluster().key());
        }
    }
}
