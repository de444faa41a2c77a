package dev.awsjca.jdbc;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throwing away a connection to a silent node. Over TLS, closing the socket reads the peer's close_notify
 * first, for as long as the socket's read timeout: the WildFly bank saw a failover wait 30 s in that read,
 * its transaction rolled back by Narayana's reaper under it (XaBankIT, 2026-12-07).
 */
@WithPgCluster(replicas = 0, shared = false)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionsTest {

    @Test
    void abortingATlsConnectionToABlackholedNodeReturnsAtOnce(PgCluster cluster) throws Exception {
        PgNode writer = cluster.writer();
        Connection c = DriverManager.getConnection("jdbc:postgresql://" + writer.host() + ":" + writer.port()
                + "/postgres?sslmode=require&socketTimeout=20", cluster.superuser(), cluster.password());
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
        cluster.blackhole(writer);
        try {
            long start = System.nanoTime();
            Connections.abortQuietly(c);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < 3_000, "aborting took " + ms + " ms (the socket timeout is 20 s)");
            assertTrue(c.isClosed());
        } finally {
            cluster.restoreHealth();
        }
    }
}
