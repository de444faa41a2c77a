package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.TransactionStateUnknownSQLException;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Self-managed streaming replication: the hosts are the URL's (no host pattern, no topology functions
 * used), the writer is whichever says it is not in recovery.
 */
@WithPgCluster(replicas = 2)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresDialectFailoverTest {

    private final PgCluster cluster;
    private final ClusterUrls urls;

    PostgresDialectFailoverTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.urls = new ClusterUrls(cluster, db);
    }

    @BeforeEach
    void healthy() {
        ClusterUrls.healthy(cluster);
    }

    @Test
    void aPlainMultiHostUrlFindsTheWriterAndFollowsAFailover() throws Exception {
        try (Connection c = urls.connect(urls.multiHostUrl("&dialect=postgresql"))) {
            assertEquals("postgresql", c.unwrap(ConnectionWrapper.class).pipeline().cluster().dialect().code());
            PgNode old = cluster.writer();
            assertEquals(old.host(), ClusterUrls.host(c), "strict-writer lands on the writer, wherever it is in the URL");
            assertTrue(ClusterUrls.onWriter(c));

            cluster.failover();
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1").close();
            } catch (FailoverSuccessSQLException | TransactionStateUnknownSQLException e) {
                // the idle session died with the writer: moved (a statement in flight then gets 08007)
            }
            assertNotEquals(old.host(), ClusterUrls.host(c));
            assertEquals(cluster.writer().host(), ClusterUrls.host(c));
            assertTrue(ClusterUrls.onWriter(c));
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS after_failover (x int)");
            }
            cluster.rejoin(old);
        }
    }

    @Test
    void aUrlWhoseFirstHostIsAReplicaMovesToTheWriter() throws Exception {
        PgNode replica = cluster.replicas().get(0);
        StringBuilder hosts = new StringBuilder(replica.host() + ":" + replica.port());
        for (PgNode n : cluster.nodes()) {
            if (n != replica) {
                hosts.append(',').append(n.host()).append(':').append(n.port());
            }
        }
        String url = urls.multiHostUrl("&dialect=postgresql").replaceFirst("//[^/]+/", "//" + hosts + "/");
        try (Connection c = urls.connect(url)) {
            assertEquals(cluster.writer().host(), ClusterUrls.host(c));
            assertTrue(ClusterUrls.onWriter(c));
        }
    }
}
