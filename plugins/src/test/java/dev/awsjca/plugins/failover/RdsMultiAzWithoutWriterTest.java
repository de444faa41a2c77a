package dev.awsjca.plugins.failover;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.TopologyFlavor;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The testkit's own RDS Multi-AZ flavor, in the middle of a failover: a reader cut off from its crashed
 * writer names no writer, and must not be taken for one.
 */
@WithPgCluster(replicas = 2, flavor = TopologyFlavor.RDS_MULTI_AZ)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RdsMultiAzWithoutWriterTest {

    private final PgCluster cluster;
    private final TestDatabase db;
    private final ClusterUrls urls;

    RdsMultiAzWithoutWriterTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
        this.urls = new ClusterUrls(cluster, db);
    }

    @AfterEach
    void writerAgain() {
        if (!cluster.writer().isRunning()) {
            cluster.failover();
        }
        ClusterUrls.healthy(cluster);
    }

    private String url(PgNode node, String extra) {
        return "jdbc:aws-wrapper:postgresql://" + node.host() + ":" + node.port() + "/" + db.name()
                + "?" + ClusterUrls.COMMON + "&dialect=rds-multi-az-postgresql" + extra;
    }

    @Test
    void withNoWriterAStrictWriterConnectionToAReaderFailsInsteadOfLandingOnTheReader() throws Exception {
        try (Connection c = urls.connect(url(cluster.writer(), ""))) {
            assertTrue(ClusterUrls.onWriter(c), "the flavor works: connected to the writer");
        }
        PgNode reader = cluster.replicas().get(0);
        cluster.crash(cluster.writer()); // no promotion: the cluster has no writer
        long start = System.nanoTime();
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = urls.connect(url(reader, "&failoverTimeoutMs=3000"))) {
                throw new AssertionError("connected to " + ClusterUrls.host(c) + ", writer: " + ClusterUrls.onWriter(c));
            }
        });
        assertEquals("08001", e.getSQLState(), e.toString());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3 + 20), "gave up about failoverTimeoutMs");
    }
}
