package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.TransactionStateUnknownSQLException;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rds-multi-az-postgresql dialect on the testkit, whose nodes get RDS Multi-AZ's rds_tools functions
 * emulated in SQL from the Aurora emulation: instance 11 is resource id db-11 at 127.0.0.11:PORT.
 */
@WithPgCluster(replicas = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RdsMultiAzFailoverTest {

    private final PgCluster cluster;
    private final ClusterUrls urls;

    RdsMultiAzFailoverTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.urls = new ClusterUrls(cluster, db);
    }

    @BeforeAll
    void emulateRdsTools() throws Exception {
        int port = cluster.writer().port();
        try (Connection c = urls.direct(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS rds_tools");
            // every instance the cluster reports, with its endpoint; the argument is the caller's name, unused
            s.execute("CREATE OR REPLACE FUNCTION rds_tools.show_topology(caller text)"
                    + " RETURNS TABLE (id text, endpoint text, port int) LANGUAGE sql VOLATILE AS $$"
                    + " SELECT 'db-' || server_id, '127.0.0.' || server_id, " + port + " FROM public.aurora_replica_status() $$");
            // on a reader, the resource id of the writer it replicates from; no row on the writer
            s.execute("CREATE OR REPLACE FUNCTION rds_tools.multi_az_db_cluster_source_dbi_resource_id()"
                    + " RETURNS TABLE (multi_az_db_cluster_source_dbi_resource_id text) LANGUAGE sql VOLATILE AS $$"
                    + " SELECT 'db-' || server_id FROM public.aurora_replica_status()"
                    + " WHERE session_id = 'MASTER_SESSION_ID' AND pg_catalog.pg_is_in_recovery() $$");
            s.execute("CREATE OR REPLACE FUNCTION rds_tools.dbi_resource_id() RETURNS TABLE (dbi_resource_id text)"
                    + " LANGUAGE sql STABLE AS $$ SELECT 'db-' || pg_catalog.current_setting('cluster_name') $$");
        }
        cluster.awaitReplication();
    }

    @BeforeEach
    void healthy() {
        ClusterUrls.healthy(cluster);
    }

    private String url(PgNode node) {
        return "jdbc:aws-wrapper:postgresql://" + node.host() + ":" + node.port() + "/" + urls.database()
                + "?" + ClusterUrls.COMMON + "&dialect=rds-multi-az-postgresql";
    }

    @Test
    void aConnectionToAReaderMovesToTheWriterTheTopologyNames() throws Exception {
        try (Connection c = urls.connect(url(cluster.replicas().get(0)))) {
            assertEquals(cluster.writer().host(), ClusterUrls.host(c));
            assertTrue(ClusterUrls.onWriter(c));
        }
    }

    @Test
    void aReaderOrWriterConnectionStaysOnTheReaderItWasGiven() throws Exception {
        PgNode reader = cluster.replicas().get(1);
        try (Connection c = urls.connect(url(reader) + "&failoverMode=reader-or-writer")) {
            assertEquals(reader.host(), ClusterUrls.host(c), "the node is told by its resource id, not by its address");
            assertFalse(ClusterUrls.onWriter(c));
        }
    }

    @Test
    void aWriterCrashMovesTheConnectionToTheNewWriter() throws Exception {
        try (Connection c = urls.connect(url(cluster.writer()))) {
            assertEquals("rds-multi-az-postgresql", c.unwrap(ConnectionWrapper.class).pipeline().cluster().dialect().code());
            assertEquals(3, c.unwrap(ConnectionWrapper.class).pipeline().cluster().topology().hosts().size());
            PgNode old = cluster.writer();
            cluster.failover();
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1").close();
            } catch (FailoverSuccessSQLException | TransactionStateUnknownSQLException e) {
                // moved: 08S02 when the statement was not sent, 08007 when it was in flight
            }
            assertNotEquals(old.host(), ClusterUrls.host(c));
            assertEquals(cluster.writer().host(), ClusterUrls.host(c));
            assertTrue(ClusterUrls.onWriter(c));
            cluster.rejoin(old);
        }
    }
}
