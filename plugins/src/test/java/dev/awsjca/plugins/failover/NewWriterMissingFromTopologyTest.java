package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import dev.awsjca.topology.ClusterMonitor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The new writer is a node that rejoined after the monitor's last topology refresh (seen in the failover
 * benchmark: an old writer rejoins, and the next failover promotes it). The search must still find it.
 */
@WithPgCluster(replicas = 2)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NewWriterMissingFromTopologyTest {

    private final PgCluster cluster;
    private final ClusterUrls urls;

    NewWriterMissingFromTopologyTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.urls = new ClusterUrls(cluster, db);
    }

    @BeforeEach
    void healthy() {
        ClusterUrls.healthy(cluster);
    }

    private static boolean knows(ClusterMonitor monitor, PgNode node) {
        return monitor.topology().hosts().stream().anyMatch(h -> h.host().equals(node.host()));
    }

    @Test
    void aWriterTheLastTopologyLackedIsFoundThroughTheReplicas() throws Exception {
        // refreshes only in the few seconds after the monitor starts (its settling time), then every minute
        try (Connection c = urls.connect(urls.url(cluster.writer(), "&clusterTopologyRefreshMs=60000&failoverTimeoutMs=15000"))) {
            long started = System.nanoTime();
            ClusterMonitor monitor = c.unwrap(ConnectionWrapper.class).pipeline().cluster();
            PgNode late = cluster.replicas().get(1);
            cluster.crash(late);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (knows(monitor, late)) {
                assertTrue(System.nanoTime() < deadline, "the monitor saw the replica go");
                Thread.sleep(100);
            }
            // past the settling time: the monitor will not look at the topology again for a minute
            Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(6) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
            cluster.rejoin(late);
            Thread.sleep(1000);
            assertTrue(!knows(monitor, late), "the monitor has not seen the replica come back");

            cluster.switchover(late);
            SQLException e = assertThrows(SQLException.class, () -> ClusterUrls.queryString(c, "SELECT 1"));
            // refused by the demoted writer (08S02), or in flight when its session ended (08007)
            assertTrue(e.getSQLState().equals("08S02") || e.getSQLState().equals("08007"), e.toString());
            assertEquals(late.host(), ClusterUrls.host(c));
            assertTrue(ClusterUrls.onWriter(c));
        }
    }
}
