package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.TransactionStateUnknownSQLException;
import dev.awsjca.testkit.ClusterEndpoint;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster (writer) endpoint is a DNS name that follows a failover late (5 s here): connections are
 * moved to the writer's instance endpoint, and after a failover go to the writer the topology names.
 */
@WithPgCluster(replicas = 2, endpointLagMillis = 5000)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterEndpointTest {

    private final PgCluster cluster;
    private final ClusterUrls urls;

    ClusterEndpointTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.urls = new ClusterUrls(cluster, db);
    }

    @BeforeEach
    void healthyAndSettled() throws Exception {
        ClusterUrls.healthy(cluster);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cluster.clusterEndpoint().targets().equals(List.of(cluster.writer()))) {
            assertTrue(System.nanoTime() < deadline, "the cluster endpoint follows the writer after its lag");
            Thread.sleep(100);
        }
    }

    private String endpointUrl() {
        ClusterEndpoint endpoint = cluster.clusterEndpoint();
        return urls.url(endpoint.host() + ":" + endpoint.port(), "");
    }

    @Test
    void aConnectionThroughTheClusterEndpointRunsOnTheWritersInstanceEndpoint() throws Exception {
        try (Connection c = urls.connect(endpointUrl())) {
            assertEquals(cluster.writer().host(), ClusterUrls.host(c));
            assertTrue(ClusterUrls.onWriter(c));
        }
    }

    @Test
    void afterAFailoverNewConnectionsThroughTheLaggingEndpointLandOnTheNewWriter() throws Exception {
        ClusterEndpoint endpoint = cluster.clusterEndpoint();
        try (Connection first = urls.connect(endpointUrl())) {
            PgNode old = cluster.writer();
            endpoint.pin(); // the endpoint's DNS lags for as long as the test runs, however slow the machine
            cluster.failover();
            PgNode now = cluster.writer();
            assertEquals(List.of(old), endpoint.targets(), "the endpoint still names the old writer");
            try (Statement s = first.createStatement()) {
                s.executeQuery("SELECT 1").close();
            } catch (FailoverSuccessSQLException | TransactionStateUnknownSQLException e) {
                // the open connection moved
            }
            assertEquals(now.host(), ClusterUrls.host(first));

            try (Connection next = urls.connect(endpointUrl())) {
                assertEquals(now.host(), ClusterUrls.host(next), "found through the topology, not the stale endpoint");
                assertTrue(ClusterUrls.onWriter(next));
            }
            assertEquals(List.of(old), endpoint.targets(), "checked while the endpoint still lagged");
            endpoint.unpin();
            cluster.rejoin(old);
        } finally {
            endpoint.unpin();
        }
    }
}
