package dev.awsjca.plugins.failover;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the application set on its connection holds on the new writer, as the driver and as the server see it. */
@WithPgCluster(replicas = 2)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionStateFailoverTest {

    private final PgCluster cluster;
    private final ClusterUrls urls;

    SessionStateFailoverTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.urls = new ClusterUrls(cluster, db);
    }

    @BeforeEach
    void healthyClusterAndSchema() throws Exception {
        ClusterUrls.healthy(cluster);
        try (Connection c = urls.direct(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS ledger_app");
            s.execute("CREATE TABLE IF NOT EXISTS ledger_app.entry (id int)");
        }
        cluster.awaitReplication();
    }

    @Test
    void autocommitReadOnlyIsolationSchemaAndClientInfoSurviveAFailover() throws Exception {
        try (Connection c = urls.connect(urls.url(cluster.writer(), ""))) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setSchema("ledger_app");
            c.setClientInfo("ApplicationName", "ledger-service");
            c.setReadOnly(true);
            c.setAutoCommit(false);
            ClusterUrls.queryString(c, "SELECT 1");
            c.commit();
            PgNode old = cluster.writer();

            cluster.failover();
            SQLException e = assertThrows(SQLException.class, () -> ClusterUrls.queryString(c, "SELECT count(*) FROM entry"));
            assertEquals("08007", e.getSQLState(), "the transaction (autocommit off) was on the old writer: " + e);
            c.rollback();
            assertNotEquals(old.host(), ClusterUrls.host(c));
            assertEquals(cluster.writer().host(), ClusterUrls.host(c));

            assertFalse(c.getAutoCommit());
            assertTrue(c.isReadOnly());
            assertEquals(Connection.TRANSACTION_REPEATABLE_READ, c.getTransactionIsolation());
            assertEquals("ledger_app", c.getSchema());
            assertEquals("ledger-service", c.getClientInfo("ApplicationName"));
            // and as the new server sees the session
            assertEquals("0", ClusterUrls.queryString(c, "SELECT count(*) FROM entry"), "search_path is ledger_app");
            assertEquals("on", ClusterUrls.queryString(c, "SHOW transaction_read_only"));
            assertEquals("repeatable read", ClusterUrls.queryString(c, "SHOW transaction_isolation"));
            assertEquals("ledger-service", ClusterUrls.queryString(c, "SHOW application_name"));
            assertEquals("ledger_app", ClusterUrls.queryString(c, "SELECT current_schema()"));
            c.rollback();
            cluster.rejoin(old);
        }
    }

    /**
     * Parameters set with SQL come back on the new writer with the failover plugin alone (they were carried
     * only when read/write splitting was configured too): a search_path lost on failover sends the next
     * statements to another schema's tables. A SET rolled back and a SET LOCAL are not carried.
     */
    @Test
    void parametersSetWithSqlSurviveAFailover() throws Exception {
        try (Connection c = urls.connect(urls.url(cluster.writer(), ""))) {
            try (Statement s = c.createStatement()) {
                s.execute("SET search_path TO ledger_app");
                s.execute("SET application_name = 'ledger-sql'");
                s.execute("SET my_app.tenant = '42'");
                c.setAutoCommit(false);
                s.execute("SET statement_timeout = '7s'"); // rolled back below: not carried
                s.execute("SET LOCAL lock_timeout = '3s'");
                c.rollback();
                c.setAutoCommit(true);
            }
            PgNode old = cluster.writer();

            cluster.failover();
            String first = null;
            for (int i = 0; i < 3 && first == null; i++) {
                try {
                    first = ClusterUrls.queryString(c, "SELECT 1"); // the move may be silent, or answered 08xxx
                } catch (SQLException e) {
                    assertTrue(e.getSQLState().startsWith("08"), e.toString());
                }
            }
            assertEquals("1", first);
            assertEquals(cluster.writer().host(), ClusterUrls.host(c));
            assertNotEquals(old.host(), ClusterUrls.host(c));

            assertEquals("0", ClusterUrls.queryString(c, "SELECT count(*) FROM entry"), "search_path is ledger_app");
            assertEquals("ledger_app", ClusterUrls.queryString(c, "SELECT current_schema()"));
            assertEquals("ledger-sql", ClusterUrls.queryString(c, "SHOW application_name"));
            assertEquals("42", ClusterUrls.queryString(c, "SELECT current_setting('my_app.tenant')"));
            assertEquals("0", ClusterUrls.queryString(c, "SHOW statement_timeout"), "a SET rolled back is not carried");
            assertEquals("0", ClusterUrls.queryString(c, "SHOW lock_timeout"), "a SET LOCAL is not carried");
            cluster.rejoin(old);
        }
    }
}
