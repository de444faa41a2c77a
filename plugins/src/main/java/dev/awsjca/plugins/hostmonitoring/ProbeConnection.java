package dev.awsjca.plugins.hostmonitoring;

import dev.awsjca.topology.HostConnector;
import dev.awsjca.topology.HostSpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executor;

/**
 * The probe connection of one host, kept open between probes so that a probe is one round trip
 * ({@code SELECT 1}), not a login: a login costs the server a process and a password check, and would make
 * a busy server look slower than it is. Probes run one at a time; {@link #abort} may come from any thread.
 */
final class ProbeConnection {

    private final HostSpec host;
    private final HostConnector connector;
    private final Executor aborter;
    private volatile Connection connection;
    private volatile boolean closed;
    private volatile long loginStartedAt;
    private volatile boolean failedInLogin;

    ProbeConnection(HostSpec host, HostConnector connector, Executor aborter) {
        this.host = host;
        this.connector = connector;
        this.aborter = aborter;
    }

    /**
     * One probe; returns the round trip of its {@code SELECT 1} in nanoseconds (a login first, if needed, is
     * not part of it), or throws when the host did not answer.
     */
    long probe() throws SQLException {
        failedInLogin = false;
        Connection c = connection;
        if (c != null) {
            try {
                return timedSelectOne(c);
            } catch (SQLException e) {
                // a connection dropped while idle (server restart, idle timeout) is not a dead host: one more
                // try on a fresh one; a dead host fails that one too
                abort();
            }
        }
        loginStartedAt = System.nanoTime() | 1; // never 0, which means "not logging in"
        try {
            c = connector.connect(host);
        } catch (SQLException | RuntimeException e) {
            failedInLogin = true;
            throw e;
        } finally {
            loginStartedAt = 0;
        }
        connection = c;
        if (closed) {
            abort();
            throw new SQLException("the host monitor of " + host.endpoint() + " is stopped", "08003");
        }
        return timedSelectOne(c);
    }

    /** Whether a connection is open for the next probe (no login needed). */
    boolean isOpen() {
        return connection != null;
    }

    /** Whether the last probe failed while logging in (not on its query). */
    boolean failedInLogin() {
        return failedInLogin;
    }

    /** When the login in progress started (System.nanoTime), or 0 when no login is in progress. */
    long loginStartedAt() {
        return loginStartedAt;
    }

    private static long timedSelectOne(Connection c) throws SQLException {
        long start = System.nanoTime();
        selectOne(c);
        return System.nanoTime() - start;
    }

    private static void selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    /** Drops the connection at once (a probe stuck on it fails); the next probe opens a new one. */
    void abort() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.abort(aborter);
            } catch (SQLException | RuntimeException ignored) {
                // it is being thrown away
            }
        }
    }

    /** No more probes: drops the connection, and one being opened now as soon as it is there. */
    void close() {
        closed = true;
        abort();
    }
}
