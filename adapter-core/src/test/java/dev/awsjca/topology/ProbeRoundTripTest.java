package dev.awsjca.topology;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The round trip the cluster monitor records for a host (JMX, OpenTelemetry and EMF show it, reader
 * selection reads it) is its query's, not the login of the probe's first connection: with a login of
 * 1 s and an answer in 5 ms, the first probe counted over 1 s before this was fixed.
 */
class ProbeRoundTripTest {

    private static final long LOGIN_MS = 1000;
    private static final long ANSWER_MS = 5;

    /** A node that takes writes and answers in 5 ms; the monitor reads nothing else from it. */
    private static final class SlowLoginNode implements Dialect {
        @Override
        public String code() {
            return "postgresql";
        }

        @Override
        public boolean matches(Connection connection) {
            return true;
        }

        @Override
        public List<HostSpec> topology(Connection connection, TopologyEndpoints endpoints) {
            return List.of();
        }

        @Override
        public boolean discoversHosts() {
            return false;
        }

        @Override
        public boolean isWriter(Connection connection) throws SQLException {
            sleep(ANSWER_MS);
            return true;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Connection aConnection() {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> method.getReturnType() == boolean.class ? false : null);
    }

    @Test
    void theFirstProbesRoundTripLeavesItsLoginOut() throws Exception {
        HostSpec host = HostSpec.of("127.0.0.1", 5432);
        HostConnector slowLogin = h -> {
            sleep(LOGIN_MS);
            return aConnection();
        };
        ClusterMonitor monitor = new ClusterMonitor("probe-round-trip-test", new SlowLoginNode(),
                new TopologyEndpoints(null, List.of(host)), slowLogin, 60_000);
        try {
            monitor.start();
            HostHealth health = monitor.health(host);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (health.lastLatencyNanos() < 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(health.lastLatencyNanos());
            assertTrue(health.lastLatencyNanos() >= 0, "no probe answered in 10 s");
            assertTrue(ms < LOGIN_MS, "the first probe's round trip counted its login: " + ms + " ms");
        } finally {
            monitor.close();
        }
    }
}
