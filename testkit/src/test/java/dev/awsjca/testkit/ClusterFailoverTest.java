package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Writer plus two synchronous replicas: failover, topology, prepared transactions, endpoints, rejoin. */
@WithPgCluster(replicas = 2)
@Timeout(180)
class ClusterFailoverTest {

    private final TestDatabase db;
    private final PgCluster cluster;

    ClusterFailoverTest(TestDatabase db, PgCluster cluster) {
        this.db = db;
        this.cluster = cluster;
    }

    /** Every test leaves the shared cluster whole: the crashed old writer comes back as a replica. */
    @AfterEach
    void rejoinCrashedNodes() {
        for (PgNode node : cluster.nodes()) {
            if (!node.isRunning()) {
                cluster.rejoin(node);
            }
        }
    }

    @Test
    void failoverKeepsEveryAcknowledgedCommit() throws Exception {
        try (Connection c = db.connect()) {
            Sql.execute(c, "CREATE TABLE acked (id int PRIMARY KEY)");
        }
        List<Integer> acknowledged = new ArrayList<>();
        CountDownLatch someCommitted = new CountDownLatch(50);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = db.connect(); PreparedStatement insert = c.prepareStatement("INSERT INTO acked VALUES (?)")) {
                for (int id = 1; !stop.get(); id++) {
                    insert.setInt(1, id);
                    insert.executeUpdate(); // autocommit: returning normally means the commit was acknowledged
                    synchronized (acknowledged) {
                        acknowledged.add(id);
                    }
                    someCommitted.countDown();
                }
            } catch (SQLException expected) {
                // the writer crashed under us: every commit acknowledged so far must survive
            }
        });
        assertTrue(someCommitted.await(60, TimeUnit.SECONDS), "commits before the failover");
        PgNode oldWriter = cluster.writer();
        ClusterEvent failover = cluster.failover();
        stop.set(true);
        writer.get(60, TimeUnit.SECONDS);

        assertNotEquals(oldWriter, cluster.writer());
        assertFalse(oldWriter.isRunning());
        assertTrue(failover.duration().toSeconds() < 30, "failover finished in sanity time: " + failover);
        try (Connection c = db.connect()) {
            Set<String> present = new HashSet<>(Sql.column(c, "SELECT id FROM acked"));
            synchronized (acknowledged) {
                for (int id : acknowledged) {
                    assertTrue(present.contains(String.valueOf(id)), "acknowledged commit " + id + " survived");
                }
            }
            // and the new writer takes writes
            Sql.execute(c, "INSERT INTO acked VALUES (-1)");
        }
    }

    @Test
    void aWriterThatCrashesBehindABlackholeSendsItsClientsNothing() throws Exception {
        PgNode old = cluster.writer();
        Connection c = db.connect();
        try {
            CompletableFuture<String> query = CompletableFuture.supplyAsync(() -> {
                try {
                    return Sql.string(c, "SELECT 'done' FROM pg_sleep(30)");
                } catch (SQLException e) {
                    return e.getSQLState();
                }
            });
            Thread.sleep(300);
            cluster.blackhole(old);
            cluster.failover();
            Thread.sleep(1000);
            // a vanished host sends no FIN or RST: the client learns nothing until its own timeout
            assertFalse(query.isDone(), "the crash is not seen through the blackhole");
            cluster.heal(old);
            String outcome = query.get(30, TimeUnit.SECONDS);
            assertTrue(outcome.startsWith("08"), "once healed, the connection's end comes through: " + outcome);
        } finally {
            c.close();
        }
    }

    @Test
    void topologyIsRightOnEveryNodeAfterFailover() throws Exception {
        PgNode oldWriter = cluster.writer();
        cluster.failover();
        PgNode newWriter = cluster.writer();
        assertTopologyEverywhere(newWriter);
        assertFalse(cluster.replicas().contains(oldWriter));

        cluster.rejoin(oldWriter);
        assertTrue(oldWriter.isRunning());
        assertTopologyEverywhere(newWriter);
        try (Connection c = db.connect()) {
            assertEquals(3, Sql.column(c, "SELECT server_id FROM aurora_replica_status()").size());
        }
    }

    @Test
    void anApplicationUserSeesTheTopologyToo() throws Exception {
        // on the writer, cluster.execute returns once every replica has replayed the change
        cluster.execute(cluster.writer(), "postgres", "DROP ROLE IF EXISTS app_user",
                "CREATE ROLE app_user LOGIN PASSWORD 'app-secret'");
        for (PgNode node : cluster.nodes()) {
            try (Connection c = java.sql.DriverManager.getConnection(node.jdbcUrl(db.name()), "app_user", "app-secret")) {
                assertEquals("f", Sql.string(c, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
                assertEquals(cluster.writer().instanceId(),
                        Sql.string(c, "SELECT server_id FROM aurora_replica_status() WHERE session_id = 'MASTER_SESSION_ID'"));
                assertEquals(node.instanceId(), Sql.string(c, "SELECT aurora_db_instance_identifier()"));
            }
        }
    }

    /** On every running node: the same writer, the running nodes and nothing else, and the node's own role. */
    private void assertTopologyEverywhere(PgNode expectedWriter) throws SQLException {
        Set<String> running = new HashSet<>();
        for (PgNode n : cluster.nodes()) {
            if (n.isRunning()) {
                running.add(n.instanceId());
            }
        }
        for (PgNode node : cluster.nodes()) {
            if (!node.isRunning()) {
                continue;
            }
            try (Connection c = Sql.connect(node.jdbcUrl(db.name()), db)) {
                assertEquals(node.instanceId(), Sql.string(c, "SELECT aurora_db_instance_identifier()"));
                assertEquals(String.valueOf(node != expectedWriter).substring(0, 1), Sql.string(c, "SELECT pg_is_in_recovery()"));
                assertEquals(List.of(expectedWriter.instanceId()),
                        Sql.column(c, "SELECT server_id FROM aurora_replica_status() WHERE session_id = 'MASTER_SESSION_ID'"),
                        "writer as seen from " + node);
                assertEquals(running, new HashSet<>(Sql.column(c, "SELECT server_id FROM aurora_replica_status()")),
                        "instances as seen from " + node);
            }
        }
    }

    @Test
    void preparedTransactionsSurviveFailover() throws Exception {
        try (Connection c = db.connect()) {
            Sql.execute(c, "CREATE TABLE prepared_rows (v text)");
            Sql.execute(c, "BEGIN");
            Sql.execute(c, "INSERT INTO prepared_rows VALUES ('branch')");
            Sql.execute(c, "PREPARE TRANSACTION 'testkit-gid-1'");
        }
        cluster.failover();
        try (Connection c = db.connect()) {
            assertEquals(List.of("testkit-gid-1"), Sql.column(c, "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()"));
            Sql.execute(c, "COMMIT PREPARED 'testkit-gid-1'");
            assertEquals("branch", Sql.string(c, "SELECT v FROM prepared_rows"));
        }
    }

    @Test
    void endpointsFollowTheWriter() throws Exception {
        cluster.failover();
        PgNode newWriter = cluster.writer();
        try (Connection c = Sql.connect(db.clusterEndpointUrl(), db)) {
            assertEquals(newWriter.instanceId(), Sql.string(c, "SELECT aurora_db_instance_identifier()"));
            assertEquals("f", Sql.string(c, "SELECT pg_is_in_recovery()"));
        }
        try (Connection c = Sql.connect(db.readerEndpointUrl(), db)) {
            assertEquals("t", Sql.string(c, "SELECT pg_is_in_recovery()"));
            assertTrue(cluster.replicas().stream().anyMatch(r -> {
                try {
                    return r.instanceId().equals(Sql.string(c, "SELECT aurora_db_instance_identifier()"));
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            }));
        }
    }

    @Test
    void aCrashedReplicaLeavesTheReaderEndpointAndRejoins() throws Exception {
        PgNode replica = cluster.replicas().get(0);
        cluster.crash(replica);
        assertFalse(cluster.readerEndpoint().targets().contains(replica));
        try (Connection c = db.connect()) {
            Sql.execute(c, "CREATE TABLE while_replica_down AS SELECT 42 AS x"); // one synchronous replica is enough
        }
        cluster.rejoin(replica);
        assertTrue(cluster.readerEndpoint().targets().contains(replica));
        assertTopologyEverywhere(cluster.writer());
        try (Connection c = db.connect(replica)) {
            awaitOn(c, "SELECT 1 FROM pg_class WHERE relname = 'while_replica_down'");
            assertEquals("42", Sql.string(c, "SELECT x FROM while_replica_down"), "the replica caught up");
        }
    }

    /** Waits (up to 30 s) until a query returns a row, for changes replayed asynchronously. */
    private static void awaitOn(Connection c, String sql) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (Sql.column(c, sql).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "within 30 s: " + sql);
            Thread.sleep(10);
        }
    }

    @Test
    void aPreparedTransactionLeftBehindDoesNotBlockDroppingTheDatabase() throws Exception {
        TestDatabase other = cluster.createFreshDatabase("left_behind");
        try (Connection c = other.connect()) {
            Sql.execute(c, "CREATE TABLE t (x int)");
            Sql.execute(c, "BEGIN");
            Sql.execute(c, "INSERT INTO t VALUES (1)");
            Sql.execute(c, "PREPARE TRANSACTION 'left-behind'");
        }
        cluster.dropDatabase(other.name());
        try (Connection c = db.connect()) {
            assertEquals("0", Sql.string(c, "SELECT count(*) FROM pg_database WHERE datname = '" + other.name() + "'"));
        }
    }

    @Test
    void aRestartedWriterStaysTheWriterAndKeepsItsCommits() throws Exception {
        try (Connection c = db.connect()) {
            Sql.execute(c, "CREATE TABLE before_restart AS SELECT 7 AS x");
        }
        PgNode writer = cluster.writer();
        cluster.restart(writer);
        assertEquals(writer, cluster.writer());
        assertTopologyEverywhere(writer);
        try (Connection c = db.connect()) {
            assertEquals("7", Sql.string(c, "SELECT x FROM before_restart"));
            Sql.execute(c, "INSERT INTO before_restart VALUES (8)"); // synchronous replication works again
        }
    }

    @Test
    void switchoverIsClean() throws Exception {
        try (Connection c = db.connect()) {
            Sql.execute(c, "CREATE TABLE before_switchover AS SELECT 1 AS x");
        }
        PgNode oldWriter = cluster.writer();
        cluster.switchover();
        assertNotEquals(oldWriter, cluster.writer());
        assertTrue(oldWriter.isRunning(), "the old writer is back as a replica");
        assertTopologyEverywhere(cluster.writer());
        try (Connection c = db.connect()) {
            assertEquals("1", Sql.string(c, "SELECT x FROM before_switchover"));
        }
    }
}
