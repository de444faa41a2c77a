package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The extension with a single node: what the adapter's tests use first. */
@WithPgCluster(replicas = 0)
@Timeout(120)
class SingleNodeClusterTest {

    @Test
    void givesAFreshDatabaseOnTheWriter(TestDatabase db, PgCluster cluster) throws SQLException {
        assertEquals("jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.name(), db.jdbcUrl());
        assertEquals(cluster.writer().host(), db.host());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT current_database(), pg_is_in_recovery(), aurora_db_instance_identifier()");
            assertTrue(rs.next());
            assertEquals(db.name(), rs.getString(1));
            assertFalse(rs.getBoolean(2));
            assertEquals(cluster.writer().instanceId(), rs.getString(3));
        }
    }

    @Test
    void refusesAWrongPassword(TestDatabase db) {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        props.setProperty("password", db.password() + "x");
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(db.jdbcUrl(), props).close());
        assertEquals("28P01", e.getSQLState(), e.getMessage()); // invalid_password
    }

    @Test
    void supportsPreparedTransactionsAndTls(TestDatabase db, PgCluster cluster) throws SQLException {
        Properties props = db.credentials();
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslrootcert", cluster.tlsRootCertificate().toString());
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
            assertTrue(rs.next());
            assertTrue(rs.getBoolean(1), "connection is encrypted");
            rs = s.executeQuery("SHOW max_prepared_transactions");
            assertTrue(rs.next());
            assertTrue(Integer.parseInt(rs.getString(1)) > 0);
        }
    }

    @Test
    void refusesAFailoverWithNoReplicaAndKeepsTheWriter(PgCluster cluster) {
        IllegalStateException e = assertThrows(IllegalStateException.class, cluster::failover);
        assertTrue(e.getMessage().contains("no running replica"), e.getMessage());
        assertTrue(cluster.writer().isRunning());
    }

    @Test
    void reportsAuroraTopology(TestDatabase db, PgCluster cluster) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT server_id, session_id FROM aurora_replica_status()");
            assertTrue(rs.next());
            assertEquals(cluster.writer().instanceId(), rs.getString(1));
            assertEquals("MASTER_SESSION_ID", rs.getString(2));
            assertFalse(rs.next());
        }
    }
}
