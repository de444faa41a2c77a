package dev.awsjca.plugins.failover;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A new connection reached a node through another address than its instance endpoint (a cluster endpoint, as the
 * soak's reader definition does), and the move to the instance endpoint fails: with a mode that does not insist on
 * the writer, another node the mode allows serves instead. Found by scripts/soak.sh: the transaction manager's
 * recovery connection of a reader definition failed (IJ000906 ERROR) while the writer's replies were being dropped.
 */
@WithPgCluster(replicas = 2)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlacementMoveTest {

    private final PgCluster cluster;
    private final ClusterUrls urls;

    PlacementMoveTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.urls = new ClusterUrls(cluster, db);
    }

    @BeforeEach
    @AfterEach
    void healthy() {
        ClusterUrls.healthy(cluster);
    }

    @Test
    void aReaderOrWriterConnectionWhoseNodeIsSilentOnItsInstanceEndpointLandsOnAnotherNode() throws Exception {
        PgNode reader = cluster.replicas().get(0);
        // the server's own port answers; its instance endpoint (the fault proxy) holds every byte
        cluster.blackhole(reader);
        // a login that hears nothing gives up after 15 s (a loaded machine needs some), well within failoverTimeoutMs
        String url = "jdbc:aws-wrapper:postgresql://" + reader.host() + ":" + reader.serverPort() + "/" + urls.database()
                + "?plugins=failover&failoverTimeoutMs=60000&connectTimeout=2&loginTimeout=15&socketTimeout=20"
                + "&failoverMode=reader-or-writer&clusterInstanceHostPattern=" + urls.pattern();
        try (Connection c = urls.connect(url)) {
            assertNotEquals(reader.host(), ClusterUrls.host(c), "not on the node whose instance endpoint is silent");
            assertEquals("1", ClusterUrls.queryString(c, "SELECT 1"));
        }
    }
}
