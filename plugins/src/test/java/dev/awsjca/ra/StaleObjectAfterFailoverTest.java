package dev.awsjca.ra;

import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.TransactionStateUnknownSQLException;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, defect 11: a statement made before a failover belongs to the old session. Using it fails, but
 * with an error that does not say "connection lost" (class 08): the pool must keep the managed
 * connection, which works on the new writer.
 */
@WithPgCluster(replicas = 1, shared = false)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StaleObjectAfterFailoverTest {

    private final PgCluster cluster;
    private final TestDatabase db;
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private AwsResourceAdapter ra;
    private AwsManagedConnectionFactory mcf;
    private AwsManagedConnection mc;

    StaleObjectAfterFailoverTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    @BeforeEach
    void adapter() throws Exception {
        ra = new AwsResourceAdapter();
        ra.start(null);
        mcf = new AwsManagedConnectionFactory();
        mcf.setUrl("jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port()
                + "/" + db.name() + "?connectTimeout=2&socketTimeout=20");
        mcf.setUser(db.user());
        mcf.setPassword(db.password());
        mcf.setPlugins("failover");
        mcf.setFailoverTimeoutMs(20_000L);
        mcf.setClusterInstanceHostPattern(cluster.instanceHostPattern());
        mcf.setResourceAdapter(ra);
    }

    @AfterEach
    void stop() {
        if (mc != null) {
            mc.destroy();
        }
        ra.stop();
    }

    @Test
    void aStatementFromBeforeAFailoverFailsWithoutBreakingThePooledConnection() throws Exception {
        mc = (AwsManagedConnection) mcf.createManagedConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
        mc.addConnectionEventListener(new ErrorRecorder());
        Connection handle = (Connection) mc.getConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
        Statement old = handle.createStatement();
        old.executeQuery("SELECT 1").close();
        PreparedStatement oldPrepared = handle.prepareStatement("SELECT 1");
        String oldWriter = cluster.writer().host();

        cluster.failover();
        assertEquals(1, queryMovingIfNeeded(handle)); // the handle moves to the new writer (08S02 or 08007 once at most)
        assertTrue(!cluster.writer().host().equals(oldWriter));

        SQLException stale = assertThrows(SQLException.class, () -> old.executeQuery("SELECT 1"));
        assertFalse(stale.getSQLState().startsWith("08"), "a stale statement is not a lost connection: " + stale);
        SQLException stalePrepared = assertThrows(SQLException.class, oldPrepared::executeQuery);
        assertFalse(stalePrepared.getSQLState().startsWith("08"), stalePrepared.toString());

        assertEquals(List.of(), errors, "the pool was told the connection is broken");
        assertFalse(mc.isBroken());
        assertEquals(Set.of(), mcf.getInvalidConnections(Set.of(mc)), "validation keeps the connection");
        assertEquals(1, queryMovingIfNeeded(handle));
    }

    private static int queryMovingIfNeeded(Connection c) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
                return rs.getInt(1);
            } catch (FailoverSuccessSQLException | TransactionStateUnknownSQLException e) {
                if (attempt > 0) { // 08S02, or 08007 for a statement in flight (its effect cannot be proven)
                    throw e;
                }
            }
        }
    }

    private final class ErrorRecorder implements ConnectionEventListener {
        @Override
        public void connectionClosed(ConnectionEvent event) {
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            errors.add(String.valueOf(event.getException()));
        }
    }
}
