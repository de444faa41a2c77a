package dev.awsjca.rar;

import dev.awsjca.ra.AwsManagedConnectionFactory;
import dev.awsjca.ra.AwsResourceAdapter;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.WithPgCluster;
import jakarta.resource.spi.ManagedConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged adapter (resource adapter classes plus the failover plugin) against a cluster with a
 * replica: validation keeps connections to the writer only, and after a failover the pool's connections
 * to the old writer are invalid while new ones, recovery's included, go to the new writer although Url
 * still names the old one.
 */
@WithPgCluster(replicas = 1, shared = false)
class WriterRoleTest {

    private final AwsResourceAdapter ra = new AwsResourceAdapter();
    private final List<ManagedConnection> opened = new ArrayList<>();

    private AwsManagedConnectionFactory factory(PgCluster cluster, String host, int port, String plugins) throws Exception {
        ra.start(null);
        AwsManagedConnectionFactory mcf = new AwsManagedConnectionFactory();
        mcf.setUrl("jdbc:aws-wrapper:postgresql://" + host + ":" + port + "/postgres");
        mcf.setUser(cluster.superuser());
        mcf.setPassword(cluster.password());
        mcf.setPlugins(plugins);
        mcf.setClusterInstanceHostPattern(cluster.instanceHostPattern());
        mcf.setFailoverTimeoutMs(20_000L);
        mcf.setClusterTopologyRefreshMs(200L); // the monitor notices the failover by itself within moments
        mcf.setResourceAdapter(ra);
        return mcf;
    }

    private ManagedConnection open(AwsManagedConnectionFactory mcf, boolean recovery) throws Exception {
        // the connection factory's request info is package-private: a DataSource handle shows the same path
        ManagedConnection mc = mcf.createManagedConnection(new Subject(), recovery ? null : new jakarta.resource.spi.ConnectionRequestInfo() {
        });
        opened.add(mc);
        return mc;
    }

    @AfterEach
    void stop() throws Exception {
        for (ManagedConnection mc : opened) {
            mc.destroy();
        }
        ra.stop();
    }

    @Test
    void aConnectionToAReplicaIsInvalidWithoutAnyPlugin(PgCluster cluster) throws Exception {
        PgNode replica = cluster.replicas().get(0);
        AwsManagedConnectionFactory onReplica = factory(cluster, replica.host(), replica.port(), "");
        ManagedConnection mc = open(onReplica, false);
        assertEquals(Set.of(mc), onReplica.getInvalidConnections(Set.of(mc)));

        AwsManagedConnectionFactory onWriter = new AwsManagedConnectionFactory();
        onWriter.setUrl("jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/postgres");
        onWriter.setUser(cluster.superuser());
        onWriter.setPassword(cluster.password());
        onWriter.setPlugins("");
        onWriter.setResourceAdapter(ra);
        ManagedConnection good = open(onWriter, false);
        assertTrue(onWriter.getInvalidConnections(Set.of(good)).isEmpty());
    }

    /**
     * Url is the cluster (writer) endpoint, as with Aurora. New connections reach the new writer once the
     * cluster monitor has seen the failover (until then the failover plugin sends them to the writer it
     * knew). With an instance endpoint in Url, a new connection after that node died fails today: the
     * failover plugin connects to the Url's hosts first, not to the writer its cluster monitor knows.
     */
    @Test
    void afterAFailoverPooledConnectionsAreInvalidAndNewOnesGoToTheNewWriter(PgCluster cluster) throws Exception {
        PgNode oldWriter = cluster.writer();
        AwsManagedConnectionFactory mcf = factory(cluster, cluster.clusterEndpoint().host(), cluster.clusterEndpoint().port(),
                "failover");
        ManagedConnection pooled = open(mcf, false);
        assertTrue(mcf.getInvalidConnections(Set.of(pooled)).isEmpty());

        cluster.failover();
        try {
            failedOver(cluster, oldWriter, mcf, pooled);
        } finally {
            cluster.rejoin(oldWriter);
        }
    }

    private void failedOver(PgCluster cluster, PgNode oldWriter, AwsManagedConnectionFactory mcf, ManagedConnection pooled)
            throws Exception {
        PgNode newWriter = cluster.writer();
        assertTrue(newWriter != oldWriter);
        assertEquals(Set.of(pooled), mcf.getInvalidConnections(Set.of(pooled)));

        ManagedConnection fresh = openWithin(mcf, 10_000);
        assertTrue(mcf.getInvalidConnections(Set.of(fresh)).isEmpty());
        try (Connection c = (Connection) fresh.getConnection(new Subject(), null)) {
            assertEquals("f", query(c, "select pg_is_in_recovery()"));
            assertEquals(newWriter.host(), query(c, "select host(inet_server_addr())"));
        }
        XAResource recovery = open(mcf, true).getXAResource();
        recovery.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
    }

    private ManagedConnection openWithin(AwsManagedConnectionFactory mcf, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            try {
                return open(mcf, false);
            } catch (jakarta.resource.ResourceException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
