package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.AwsWrapperDataSource;
import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.ClusterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One monitor per cluster, whatever the number of DataSources; gone with the last connection. */
@WithPgCluster(replicas = 2, shared = false)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedClusterMonitorTest {

    private static final String PROBE_APPLICATION = "aws-advanced-jca topology monitor";

    private final PgCluster cluster;
    private final TestDatabase db;
    private final ClusterUrls urls;

    SharedClusterMonitorTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
        this.urls = new ClusterUrls(cluster, db);
    }

    private AwsWrapperDataSource dataSource(String extra) {
        AwsWrapperDataSource ds = new AwsWrapperDataSource();
        ds.setUrl(urls.url(cluster.writer(), extra));
        ds.setUser(db.user());
        ds.setPassword(db.password());
        return ds;
    }

    /** This cluster's monitors: its key names the host pattern (which holds this cluster's port), database, user. */
    private List<ClusterMonitor> monitorsOfThisCluster() {
        return ClusterRegistry.shared().monitors().stream()
                .filter(m -> m.key().contains("@" + cluster.instanceHostPattern() + "/")).toList();
    }

    private List<ObjectName> mbeansOfThisCluster() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        return server.queryNames(new ObjectName("dev.awsjca:type=Cluster,*"), null).stream()
                .filter(n -> ObjectName.unquote(n.getKeyProperty("name")).contains("@" + cluster.instanceHostPattern() + "/")).toList();
    }

    private boolean topologyThreadRuns(String key) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && (t.getName().equals("aws-jca-topology " + key)
                        || t.getName().startsWith("aws-jca-probe-") && t.getName().endsWith(" " + key)));
    }

    private int probeSessions() throws Exception {
        int sessions = 0;
        for (PgNode node : cluster.nodes()) {
            try (Connection c = node.connectDirect("postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                         + PROBE_APPLICATION + "'")) {
                rs.next();
                sessions += rs.getInt(1);
            }
        }
        return sessions;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 15 s for: " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void twoDataSourcesShareOneMonitorThatStopsWithTheLastConnection() throws Exception {
        // no lingering after the last connection, so that the test can watch everything stop
        AwsWrapperDataSource orders = dataSource("&monitorDisposalTimeMs=0");
        AwsWrapperDataSource reports = dataSource("&monitorDisposalTimeMs=0&ApplicationName=reports"); // same cluster
        ClusterMonitor monitor;
        try (Connection a = orders.getConnection(); Connection b = reports.getConnection(); Connection c = orders.getConnection()) {
            monitor = a.unwrap(ConnectionWrapper.class).pipeline().cluster();
            assertSame(monitor, b.unwrap(ConnectionWrapper.class).pipeline().cluster());
            assertSame(monitor, c.unwrap(ConnectionWrapper.class).pipeline().cluster());
            assertEquals(List.of(monitor), monitorsOfThisCluster());
            assertEquals(1, mbeansOfThisCluster().size());
            assertEquals(3, monitor.getConnections());
            assertTrue(topologyThreadRuns(monitor.key()));
            await(() -> {
                try {
                    return probeSessions() > 0;
                } catch (Exception e) {
                    return false;
                }
            }, "the monitor's probe connection");
        }
        String key = monitor.key();
        await(monitor::isClosed, "the last connection's close to stop the monitor (in the background)");
        assertTrue(monitorsOfThisCluster().isEmpty());
        await(() -> {
            try {
                return mbeansOfThisCluster().isEmpty(); // unregistered as the monitor's close ends
            } catch (Exception e) {
                return false;
            }
        }, "the monitor's MBean to go");
        await(() -> !topologyThreadRuns(key), "the monitor's threads to end");
        await(() -> {
            try {
                return probeSessions() == 0;
            } catch (Exception e) {
                return false;
            }
        }, "the probe sessions to end on the servers");
    }
}
