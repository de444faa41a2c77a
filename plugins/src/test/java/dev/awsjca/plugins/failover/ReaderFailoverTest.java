package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reader lost under a reader-or-writer connection: read-only work goes on elsewhere. */
@WithPgCluster(replicas = 2)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReaderFailoverTest {

    private final PgCluster cluster;
    private final ClusterUrls urls;

    ReaderFailoverTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.urls = new ClusterUrls(cluster, db);
    }

    @BeforeEach
    @AfterEach
    void healthy() {
        ClusterUrls.healthy(cluster); // the crashed replica restarts and follows the writer
    }

    @Test
    void aCrashedReaderIsReplacedByAnotherNode() throws Exception {
        PgNode reader = cluster.replicas().get(0);
        try (Connection c = urls.connect(urls.url(reader, "&failoverMode=reader-or-writer"))) {
            assertEquals(reader.host(), ClusterUrls.host(c), "reader-or-writer stays on the reader it was given");
            cluster.crash(reader);

            SQLException e = assertThrows(SQLException.class, () -> ClusterUrls.queryString(c, "SELECT 1"));
            // a statement in flight on a reader wrote nothing (a replica in recovery cannot): moved, run it again
            assertEquals("08S02", e.getSQLState(), e.toString());
            assertTrue(e instanceof FailoverSuccessSQLException);
            assertNotEquals(reader.host(), ClusterUrls.host(c));
            String landed = ClusterUrls.host(c);
            assertTrue(cluster.nodes().stream().anyMatch(n -> n.isRunning() && n.host().equals(landed)), landed);
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT count(*) FROM pg_catalog.pg_class").close(); // works where it landed
            }
        }
    }
}
