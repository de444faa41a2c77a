package dev.awsjca.ra;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import jakarta.resource.spi.ManagedConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Validation on checkout (validate-on-match) with the topology watched: the role comes from the topology,
 * the session's liveness from pgjdbc's empty query, and a dead session is found.
 */
@WithPgCluster(replicas = 1)
class ValidationCostTest {

    private final PgCluster cluster;
    private final TestDatabase db;
    private AwsResourceAdapter ra;
    private AwsManagedConnectionFactory mcf;

    ValidationCostTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    @BeforeEach
    void deploy() throws Exception {
        ra = new AwsResourceAdapter();
        ra.start(null);
        mcf = new AwsManagedConnectionFactory();
        mcf.setUrl("jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/" + db.name());
        mcf.setUser(db.user());
        mcf.setPassword(db.password());
        mcf.setClusterInstanceHostPattern(cluster.instanceHostPattern()); // plugins: the default, failover,hostMonitoring
        mcf.setResourceAdapter(ra);
    }

    @AfterEach
    void undeploy() {
        ra.stop();
    }

    @Test
    void onTheTopologysWriterValidationSendsOnlyAnEmptyQueryAndFindsADeadConnection() throws Exception {
        ManagedConnection mc = mcf.createManagedConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
        int pid;
        try (Connection c = (Connection) mc.getConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        mc.cleanup();
        assertEquals(Set.of(), mcf.getInvalidConnections(Set.of(mc)));
        assertEquals("", lastQuery(pid), "the role came from the topology: only the empty query was sent");

        cluster.writer().execute("postgres", "SELECT pg_terminate_backend(" + pid + ")");
        assertEquals(Set.of(mc), mcf.getInvalidConnections(Set.of(mc)), "a dead connection is found");
        mc.destroy();
    }

    /** The failover plugin's transaction id query is for local commits: an XA branch does not pay for it. */
    @Test
    void anXaBranchRunsNoStatementOfTheAdaptersOwn() throws Exception {
        cluster.writer().execute(db.name(), "CREATE TABLE IF NOT EXISTS cost_rows (id int)");
        ManagedConnection mc = mcf.createManagedConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
        javax.transaction.xa.XAResource xa = mc.getXAResource();
        javax.transaction.xa.Xid xid = Gid.branch(4711, "cost".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[] {1});
        int pid;
        try (Connection c = (Connection) mc.getConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN)) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            xa.start(xid, javax.transaction.xa.XAResource.TMNOFLAGS);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO cost_rows VALUES (1)");
            }
            assertEquals("INSERT INTO cost_rows VALUES (1)", lastQuery(pid));
            xa.end(xid, javax.transaction.xa.XAResource.TMSUCCESS);
            xa.commit(xid, true);
        }
        assertEquals("COMMIT", lastQuery(pid));
        mc.destroy();
    }

    private String lastQuery(int pid) {
        String q = cluster.writer().queryString("SELECT query FROM pg_stat_activity WHERE pid = " + pid);
        assertTrue(q != null, "backend " + pid + " is gone");
        return q;
    }
}
