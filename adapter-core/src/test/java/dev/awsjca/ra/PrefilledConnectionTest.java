package dev.awsjca.ra;

import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, defect 10: a container makes connections without request info to prefill a pool (IronJacamar's
 * min-pool-size with prefill) and to ping it (Payara). They are ordinary connections with the
 * definition's login, connected when made, matched by ordinary checkouts and used without a detour.
 */
@WithPgCluster(replicas = 0)
class PrefilledConnectionTest {

    private AwsResourceAdapter ra;
    private AwsManagedConnectionFactory mcf;
    private AwsManagedConnection mc;

    @BeforeEach
    void deploy(TestDatabase db) throws Exception {
        ra = new AwsResourceAdapter();
        ra.start(null);
        mcf = new AwsManagedConnectionFactory();
        mcf.setUrl(db.jdbcUrl());
        mcf.setPlugins("");
        mcf.setUser(db.user());
        mcf.setPassword(db.password());
        mcf.setResourceAdapter(ra);
    }

    @AfterEach
    void undeploy() {
        if (mc != null) {
            mc.destroy();
        }
        ra.stop();
    }

    @Test
    void aConnectionMadeWithoutRequestInfoIsConnectedAndServesCheckouts(TestDatabase db) throws Exception {
        mc = (AwsManagedConnection) mcf.createManagedConnection(null, null);
        assertNotNull(mc.logicalConnection(), "connected when made: a prefilled pool is filled, a ping checks the database");
        int backend = pid(mc.logicalConnection());
        assertEquals(1, sessionsWithPid(db, backend));

        assertSame(mc, mcf.matchManagedConnections(Set.of(mc), null, AwsConnectionRequestInfo.CONFIGURED_LOGIN),
                "an ordinary checkout takes the prefilled connection");
        for (int i = 0; i < 3; i++) {
            try (Connection handle = (Connection) mc.getConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN)) {
                assertEquals(backend, pid(handle), "the same session, not a replacement");
            }
            mc.cleanup();
        }
    }

    /** IronJacamar fills a pool before it starts the adapter: those connections connect when it starts. */
    @Test
    void aConnectionMadeBeforeTheAdapterStartsIsConnectedWhenItStarts(TestDatabase db) throws Exception {
        AwsResourceAdapter notYetStarted = new AwsResourceAdapter();
        AwsManagedConnectionFactory early = new AwsManagedConnectionFactory();
        early.setUrl(db.jdbcUrl());
        early.setPlugins("");
        early.setUser(db.user());
        early.setPassword(db.password());
        early.setResourceAdapter(notYetStarted);
        AwsManagedConnection prefilled = (AwsManagedConnection) early.createManagedConnection(null, null);
        try {
            assertTrue(prefilled.logicalConnection() == null, "the adapter cannot connect before it runs");
            notYetStarted.start(null);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (prefilled.logicalConnection() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertNotNull(prefilled.logicalConnection(), "connected in the background once the adapter runs");
            assertEquals(1, sessionsWithPid(db, pid(prefilled.logicalConnection())));
        } finally {
            prefilled.destroy();
            notYetStarted.stop();
        }
    }

    @Test
    void aWrongLoginFailsWhenThePoolIsFilledNotAtTheFirstCheckout(TestDatabase db) throws Exception {
        mcf.setPassword("not-the-password");
        jakarta.resource.ResourceException e = org.junit.jupiter.api.Assertions.assertThrows(jakarta.resource.ResourceException.class,
                () -> mcf.createManagedConnection(null, null));
        assertEquals("28P01", e.getErrorCode());
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int sessionsWithPid(TestDatabase db, int pid) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where pid = " + pid)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
