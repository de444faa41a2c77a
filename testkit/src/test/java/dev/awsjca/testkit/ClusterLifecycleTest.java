package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Start and stop without JUnit's help, as the demo and the benchmarks use it. */
@Timeout(120)
class ClusterLifecycleTest {

    @Test
    void startsAndStopsLeavingNothingBehind() throws Exception {
        PgCluster cluster = PgCluster.builder().replicas(1)
                .hbaRules(List.of("host all locked_out 127.0.0.0/8 reject"))
                .start();
        Path dir;
        try {
            dir = cluster.directory();
            assertTrue(Files.isDirectory(dir));
            assertEquals(2, cluster.nodes().size());
            assertTrue(cluster.nodes().stream().allMatch(PgNode::isRunning));
            assertEquals(1, cluster.replicas().size());
            assertEquals("127.0.0.?:" + cluster.writer().port(), cluster.instanceHostPattern());
            for (PgNode node : cluster.nodes()) {
                assertEquals(node.host(), cluster.instanceHostPattern().replace("?", node.instanceId()).split(":")[0]);
            }
            assertTrue(cluster.events().get(0).operation().equals("start"));

            // the builder's pg_hba.conf rule comes before the password rule
            cluster.execute(cluster.writer(), "postgres", "CREATE ROLE locked_out LOGIN PASSWORD 'right'");
            Properties props = new Properties();
            props.setProperty("user", "locked_out");
            props.setProperty("password", "right");
            SQLException refused = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(cluster.jdbcUrl("postgres"), props).close());
            assertEquals("28000", refused.getSQLState(), refused.getMessage());
            assertFalse(refused.getMessage().contains(cluster.password()));
        } finally {
            cluster.close();
        }
        assertFalse(Files.exists(dir), "cluster directory removed");
        for (PgNode node : cluster.nodes()) {
            assertFalse(node.isRunning());
            assertRefused(node.host(), node.port());
            assertRefused(node.host(), node.serverPort());
        }
        assertRefused(cluster.clusterEndpoint().host(), cluster.clusterEndpoint().port());
        assertEquals("stop", cluster.events().get(cluster.events().size() - 1).operation());
    }

    @Test
    void endpointsFollowATopologyChangeOnlyAfterTheirLag() throws Exception {
        try (PgCluster cluster = PgCluster.builder().replicas(1).endpointLag(java.time.Duration.ofSeconds(3)).start()) {
            PgNode oldWriter = cluster.writer();
            cluster.failover();
            PgNode newWriter = cluster.writer();
            // like DNS, the cluster endpoint still names the old writer for a while ...
            assertEquals(List.of(oldWriter), cluster.clusterEndpoint().targets());
            // ... and then the new one
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!cluster.clusterEndpoint().targets().equals(List.of(newWriter)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(List.of(newWriter), cluster.clusterEndpoint().targets());
            Properties props = new Properties();
            props.setProperty("user", cluster.superuser());
            props.setProperty("password", cluster.password());
            try (Connection c = DriverManager.getConnection(cluster.clusterEndpoint().jdbcUrl("postgres"), props)) {
                assertEquals(newWriter.instanceId(), Sql.string(c, "SELECT aurora_db_instance_identifier()"));
            }
        }
    }

    @Test
    void aServerThatDiesOnItsOwnIsSeenDownAndTheClusterIsNoLongerHealthy() throws Exception {
        try (PgCluster cluster = PgCluster.builder().replicas(1).start()) {
            PgNode replica = cluster.replicas().get(0);
            long pid = Long.parseLong(java.nio.file.Files.readAllLines(replica.dataDir().resolve("postmaster.pid")).get(0).trim());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL, not through the testkit
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (replica.isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(replica.isRunning());
            assertFalse(cluster.isHealthy());
            assertEquals(List.of(), cluster.replicas());
            cluster.rejoin(replica); // a killed replica comes back like a crashed one
            assertTrue(replica.isRunning());
            assertTrue(cluster.isHealthy());
        }
    }

    private static void assertRefused(String host, int port) {
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2000);
            }
        }, host + ":" + port + " is closed");
    }
}
