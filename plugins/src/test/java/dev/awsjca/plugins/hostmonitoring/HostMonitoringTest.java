package dev.awsjca.plugins.hostmonitoring;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.FailoverFailedSQLException;
import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.TransactionStateUnknownSQLException;
import dev.awsjca.metrics.MetricsRegistry;
import dev.awsjca.plugins.InFlight;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostHealth;
import dev.awsjca.topology.HostSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * plugins=failover,hostMonitoring on a real three-node cluster: blackholed hosts are found by the probes
 * and their stuck statements aborted; long queries, slow hosts and a busy database are left alone;
 * nothing is left running once the connections are closed. Time bounds are generous sanity bounds.
 */
@WithPgCluster(replicas = 2, shared = false)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostMonitoringTest {

    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "host-monitoring-test");
        t.setDaemon(true);
        return t;
    });

    private final PgCluster cluster;
    private final TestDatabase db;

    HostMonitoringTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    @AfterAll
    static void stopBackground() {
        BACKGROUND.shutdownNow();
    }

    @BeforeEach
    void healthyCluster() {
        cluster.restoreHealth();
    }

    /** socketTimeout=60: pgjdbc's own timeout is far away, so only the monitor can end a stuck statement early. */
    Connection connect(PgNode node, String extra) throws SQLException {
        String url = "jdbc:aws-wrapper:postgresql://" + node.host() + ":" + node.port() + "/" + db.name()
                + "?plugins=failover,hostMonitoring&connectTimeout=2&socketTimeout=60"
                + "&clusterInstanceHostPattern=" + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8) + extra;
        return DriverManager.getConnection(url, db.user(), db.password());
    }

    static ClusterMonitor clusterOf(Connection c) throws SQLException {
        return c.unwrap(ConnectionWrapper.class).pipeline().cluster();
    }

    static HostSpec hostOf(Connection c) throws SQLException {
        return c.unwrap(ConnectionWrapper.class).pipeline().currentHost();
    }

    static HostHealth health(Connection c, PgNode node) throws SQLException {
        return clusterOf(c).health(HostSpec.of(node.host(), node.port()));
    }

    Future<Throwable> runInBackground(Connection c, String sql) {
        return BACKGROUND.submit(() -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    static boolean causedByTheMonitor(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (String.valueOf(c.getMessage()).contains("declared dead")) {
                return true;
            }
        }
        return false;
    }

    static long await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                return -1;
            }
            Thread.sleep(20);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    static boolean onWriter(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    void aQueryOnABlackholedWriterIsAbortedAndFailsOverOnceAReplicaIsPromoted() throws Exception {
        try (Connection c = connect(cluster.writer(), "&failoverTimeoutMs=30000")) {
            PgNode writer = cluster.writer();
            HostHealth writerHealth = health(c, writer);
            // an earlier test of this class may have left it declared dead until the monitor's next probe
            assertTrue(await(() -> writerHealth.state() == HostHealth.State.UP, 10_000) >= 0, "the writer is up before the fault");
            // and its monitor armed (made by the connection's first statement): a fault that meets the probe's
            // first login (slow on a loaded machine) gets the login's allowance (10 s) before its silence counts
            assertTrue(onWriter(c));
            assertTrue(await(() -> idleProbeConnections(writer) >= 1, 15_000) >= 0, "the writer's probe connection is open");
            Future<Throwable> query = runInBackground(c, "SELECT pg_sleep(30)");
            InFlight.await(cluster.writer(), db, "SELECT pg_sleep(30)"); // running on the server: now the fault
            long blackholed = System.nanoTime();
            cluster.blackhole(writer);
            long detectedMs = await(() -> writerHealth.state() == HostHealth.State.DOWN, 20_000);
            assertTrue(detectedMs >= 0 && detectedMs < 10_000, "declared dead after " + detectedMs + " ms (expected about 1-2 s)");
            assertFalse(query.isDone(), "the failover plugin waits for a new writer");
            // what an operator reads: the cluster's MBean counts the detection and its time (first missed probe
            // to dead), which the test, from the blackhole on, can only have seen later
            ObjectName mbean = MetricsRegistry.clusterName(clusterOf(c).key());
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            long lastDetectionMs = (Long) jmx.getAttribute(mbean, "LastDetectionMs");
            assertTrue((Long) jmx.getAttribute(mbean, "Detections") >= 1, "JMX counts the detection");
            assertTrue(lastDetectionMs > 0 && lastDetectionMs <= detectedMs + 500,
                    "JMX shows a detection of " + lastDetectionMs + " ms; the test saw the host dead " + detectedMs + " ms after the blackhole");

            cluster.failover(); // crashes the (still blackholed) writer, promotes a replica
            Throwable t = query.get(60, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - blackholed);
            // the statement was running: whatever its text, it may have written (08007, never 08S02)
            assertInstanceOf(TransactionStateUnknownSQLException.class, t, String.valueOf(t));
            assertEquals("08007", ((SQLException) t).getSQLState());
            assertTrue(causedByTheMonitor(t), "the statement was ended by the monitor: " + t);
            assertTrue(ms < 30_000, "recovered after " + ms + " ms, long before the 60 s socket timeout");
            assertNotEquals(writer.host(), hostOf(c).host());
            assertEquals(cluster.writer().host(), hostOf(c).host());
            assertTrue(onWriter(c));
        }
    }

    @Test
    void withoutAPromotionTheStuckStatementIsAbortedAndTheApplicationToldNoWriterAnswered() throws Exception {
        try (Connection c = connect(cluster.writer(), "&failoverTimeoutMs=3000")) {
            Future<Throwable> query = runInBackground(c, "SELECT pg_sleep(30)");
            InFlight.await(cluster.writer(), db, "SELECT pg_sleep(30)"); // running on the server: now the fault
            long blackholed = System.nanoTime();
            cluster.blackhole(cluster.writer());
            Throwable t = query.get(60, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - blackholed);
            assertInstanceOf(FailoverFailedSQLException.class, t, String.valueOf(t));
            assertEquals("08001", ((SQLException) t).getSQLState());
            assertTrue(causedByTheMonitor(t), "says the host was declared dead: " + t);
            // about 2-3 s to declare it dead, then failoverTimeoutMs=3000 of looking for a writer
            assertTrue(ms < 20_000, "ended after " + ms + " ms, long before the 60 s socket timeout");
            assertTrue(c.isClosed());
        }
    }

    @Test
    void longQueriesOnAHealthyHostAndOnASlowHostAreNeverAborted() throws Exception {
        PgNode replica = cluster.replicas().get(0);
        try (Connection onWriter = connect(cluster.writer(), "");
             Connection onReplica = connect(replica, "&failoverMode=reader-or-writer")) {
            assertEquals(replica.host(), hostOf(onReplica).host());
            cluster.latency(replica, 300);
            Future<Throwable> healthy = runInBackground(onWriter, "SELECT pg_sleep(8)");
            Future<Throwable> slow = runInBackground(onReplica, "SELECT pg_sleep(8)");
            assertNull(healthy.get(60, TimeUnit.SECONDS));
            assertNull(slow.get(60, TimeUnit.SECONDS));
            HostHealth slowHealth = health(onReplica, replica);
            // never DOWN; SUSPECT between probes is the truth on a link slower than the probe interval (200 ms)
            assertNotEquals(HostHealth.State.DOWN, slowHealth.state());
            // the probes did run through the added latency, and answered (the last one: the smoothed average
            // also holds earlier tests' fast probes, the host's health record living on with the lingering monitor)
            assertTrue(slowHealth.lastLatencyNanos() >= TimeUnit.MILLISECONDS.toNanos(250), slowHealth.toString());
            assertEquals(HostHealth.State.UP, health(onWriter, cluster.writer()).state());
        }
    }

    @Test
    void aBusyDatabaseDoesNotTripIt() throws Exception {
        // more CPU-bound statements than the machine has cores, for 8 s, each one monitored
        String burn = "DO $$ DECLARE t timestamptz := clock_timestamp(); x float8 := 0; BEGIN"
                + " WHILE clock_timestamp() < t + interval '8 seconds' LOOP x := x + sqrt(random()); END LOOP; END $$";
        List<Connection> connections = new ArrayList<>();
        try {
            List<Future<Throwable>> running = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Connection c = connect(cluster.writer(), "");
                connections.add(c);
                running.add(runInBackground(c, burn));
            }
            Connection sleeper = connect(cluster.writer(), "");
            connections.add(sleeper);
            running.add(runInBackground(sleeper, "SELECT pg_sleep(8)"));
            for (Future<Throwable> f : running) {
                assertNull(f.get(90, TimeUnit.SECONDS));
            }
            assertEquals(HostHealth.State.UP, health(sleeper, cluster.writer()).state());
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    @Test
    void probesAndTheirThreadsEndWithTheConnections() throws Exception {
        Connection a = connect(cluster.writer(), "&monitorDisposalTimeMs=0");
        Connection b = connect(cluster.writer(), "&monitorDisposalTimeMs=0");
        try (Statement s = a.createStatement(); Statement t = b.createStatement()) {
            s.execute("SELECT pg_sleep(1.5)"); // long enough for a probe to go out
            t.execute("SELECT 1");
        }
        assertTrue(probeConnections() >= 1, "a probe connection to the writer is open");
        assertTrue(monitorThreads() >= 1, "the monitor's threads run");

        a.close();
        assertTrue(probeConnections() >= 1, "b still uses the writer: its probe connection stays");
        b.close(); // the last user of the cluster: everything stops
        assertTrue(await(() -> monitorThreads() == 0, 15_000) >= 0, "threads left: " + monitorThreadNames());
        assertTrue(await(() -> probeConnections() == 0, 15_000) >= 0, "probe connections left open");
    }

    @Test
    void badConfigurationGetsAClearErrorNamingTheProperty() {
        SQLException zero = assertThrows(SQLException.class, () -> connect(cluster.writer(), "&failureDetectionIntervalMs=0"));
        assertTrue(zero.getMessage().contains("failureDetectionIntervalMs") && zero.getMessage().contains("100 or more"),
                zero.getMessage());
        SQLException alone = assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:aws-wrapper:postgresql://"
                + cluster.writer().host() + ":" + cluster.writer().port() + "/" + db.name() + "?plugins=hostMonitoring",
                db.user(), db.password()));
        assertTrue(alone.getMessage().contains("'plugins'") && alone.getMessage().contains("failover"), alone.getMessage());
        assertFalse(alone.getMessage().contains(db.password()));
    }

    /** Host monitors' probe connections open and idle on the node (asked past its fault proxy). */
    private int idleProbeConnections(PgNode node) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + node.host() + ":" + node.serverPort() + "/"
                + db.name(), db.user(), db.password())) {
            return probeConnections(c, " AND state = 'idle'");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** Host monitors' probe connections on the test database's first node, whatever their state. */
    private int probeConnections() {
        try (Connection c = db.connect()) {
            return probeConnections(c, "");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static int probeConnections(Connection c, String condition) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity"
                + " WHERE application_name = '" + HostMonitors.APPLICATION_NAME + "'" + condition)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<String> monitorThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith(HostMonitors.THREAD_NAME)).toList();
    }

    private static int monitorThreads() {
        return monitorThreadNames().size();
    }
}
