package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.FailoverFailedSQLException;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every node gone: the failover gives up at failoverTimeoutMs. A cluster of its own, left dead. */
@WithPgCluster(replicas = 2, shared = false)
class AllNodesDownTest {

    private final PgCluster cluster;
    private final TestDatabase db;

    AllNodesDownTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    Connection connectToWriter(String extra) throws SQLException {
        PgNode node = cluster.writer();
        return DriverManager.getConnection("jdbc:aws-wrapper:postgresql://" + node.host() + ":" + node.port() + "/" + db.name()
                + "?plugins=failover&connectTimeout=2&clusterInstanceHostPattern="
                + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8) + extra, db.user(), db.password());
    }

    @Test
    void noWriterWithinTheTimeoutGets08001AndTheConnectionIsClosed() throws Exception {
        try (Connection c = connectToWriter("&failoverTimeoutMs=3000")) {
            for (PgNode node : cluster.nodes()) {
                cluster.crash(node);
            }
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT 1");
                }
            });
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(FailoverFailedSQLException.class, e);
            assertEquals("08001", e.getSQLState());
            assertTrue(ms < 3000 + 5000, "gave up after " + ms + " ms");
            assertTrue(c.isClosed());
            assertFalse(c.isValid(1));
        }
    }
}
