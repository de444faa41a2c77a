package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.Connections;
import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.pipeline.PluginContext;
import dev.awsjca.pipeline.SessionState;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostHealth;
import dev.awsjca.topology.HostSpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A failover's way to its next host: finds the target the mode allows (the writer, or a reader), connects,
 * checks that a writer still is one, and sets the session up on it, again and again until the deadline. It
 * ends on a checked, configured connection or on none: a connection it opened and could not use is aborted.
 * Switching to it is the caller's.
 */
final class NextHost {

    private static final long RECONNECT_PAUSE_MS = 20;

    /** A connection on its target, ready to switch to; or none, with the last failed attempt (may be null). */
    record Outcome(Connection connection, HostSpec target, long foundAtNanos, Exception lastAttempt) {
    }

    private final PluginContext context;
    private final FailoverSettings settings;
    private final SessionState session;
    private final ClusterMonitor monitor;

    NextHost(PluginContext context, FailoverSettings settings, ClusterMonitor monitor) {
        this.context = context;
        this.settings = settings;
        this.session = context.session();
        this.monitor = monitor;
    }

    Outcome find(HostSpec failed, long deadlineNanos) {
        Exception lastAttempt = null;
        long found = 0;
        while (System.nanoTime() < deadlineNanos) {
            HostSpec target;
            try {
                target = target(failed, deadlineNanos);
            } catch (SQLException refusedOrInterrupted) {
                return new Outcome(null, null, found, refusedOrInterrupted);
            }
            if (target == null) {
                break;
            }
            found = System.nanoTime();
            Connection candidate = null;
            boolean configuring = false;
            try {
                candidate = context.connect(target);
                if (settings.mode() == FailoverMode.STRICT_WRITER && !monitor.dialect().isWriter(candidate)) {
                    Connections.abortQuietly(candidate); // demoted since the monitor looked: look again
                    monitor.reportDown(target);
                    continue;
                }
                configuring = true;
                synchronized (session) {
                    session.applyTo(candidate);
                }
                return new Outcome(candidate, target, found, lastAttempt);
            } catch (SQLException | RuntimeException e) {
                Connections.abortQuietly(candidate);
                lastAttempt = e;
                boolean hostFailed = e instanceof SQLException sql && SqlFailures.isConnectionFailure(sql);
                if (configuring && !hostFailed) {
                    break; // the new node answered, and refused this session's settings: no other node would take them
                }
                if (e instanceof SQLException sql && SqlFailures.isLoginRefused(sql)) {
                    break; // the node answered and refused the login: so would any other, now or later
                }
                monitor.reportDown(target);
                pause();
            }
        }
        return new Outcome(null, null, found, lastAttempt);
    }

    private HostSpec target(HostSpec failed, long deadline) throws SQLException {
        if (settings.mode() != FailoverMode.STRICT_WRITER) {
            HostSpec reader = aReader(monitor, failed);
            if (reader != null) {
                return reader;
            }
            if (settings.mode() == FailoverMode.STRICT_READER) {
                pause();
                return System.nanoTime() < deadline ? target(failed, deadline) : null;
            }
        }
        return awaitWriter(monitor, failed, deadline);
    }

    /** A reader of the topology not known to be down, other than {@code failed}; null if none. */
    static HostSpec aReader(ClusterMonitor monitor, HostSpec failed) {
        List<HostSpec> readers = monitor.topology().readers().stream()
                .filter(h -> failed == null || !h.endpoint().equals(failed.endpoint()))
                .filter(h -> monitor.health(h).state() != HostHealth.State.DOWN)
                .toList();
        return readers.isEmpty() ? null : readers.get(ThreadLocalRandom.current().nextInt(readers.size()));
    }

    static HostSpec awaitWriter(ClusterMonitor monitor, HostSpec failed, long deadline) throws SQLException {
        try {
            return monitor.awaitWriter(failed, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the new writer", "08001", e);
        }
    }

    static void pause() {
        try {
            Thread.sleep(RECONNECT_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
