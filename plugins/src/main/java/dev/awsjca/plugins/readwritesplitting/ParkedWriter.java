package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.jdbc.Connections;
import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.pipeline.HostConnection;
import dev.awsjca.pipeline.PluginContext;
import dev.awsjca.pipeline.SessionState;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostSpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

/**
 * The writer connection parked while the logical connection reads on a reader, and the way back to the
 * writer: the writer may have failed over meanwhile, so going back may mean a new connection to the
 * topology's writer, waiting for one up to failoverTimeoutMs.
 *
 * <p>Guarded by the plugin's lock.
 */
final class ParkedWriter {

    private final PluginContext context;
    private final SplittingSettings settings;
    private final SessionState session;
    private final SessionSync sync;
    private Connection connection;
    private HostSpec host;

    ParkedWriter(PluginContext context, SplittingSettings settings, SessionState session, SessionSync sync) {
        this.context = context;
        this.settings = settings;
        this.session = session;
        this.sync = sync;
    }

    /** The logical connection moves to a reader: its writer connection waits here. */
    void park(Connection writer, HostSpec writerHost) {
        connection = writer;
        host = writerHost;
    }

    /**
     * The writer connection to go back to, set up as the session is now: the parked one, or a new one when
     * the parked one is gone or the topology's writer is another host. The parked one is kept until
     * {@link #forget()}, so that after a failure here the logical connection is still on the reader and the
     * next {@code setReadOnly(false)} tries again.
     */
    HostConnection reclaim() throws SQLException {
        Connection w = connection;
        HostSpec wHost = host;
        HostSpec known = currentWriter();
        if (w == null || w.isClosed() || (known != null && !known.endpoint().equals(wHost.endpoint()))) {
            Connections.abortQuietly(w);
            if (known == null) {
                known = awaitWriter(wHost);
            }
            w = context.connect(known);
            wHost = known;
        }
        try {
            sync.apply(w, session, false);
        } catch (SQLException e) {
            if (!SqlFailures.isConnectionFailure(e)) {
                throw e;
            }
            // the writer connection parked while we read is gone (the writer failed over): a new one
            Connections.abortQuietly(w);
            wHost = awaitWriter(wHost);
            w = context.connect(wHost);
            sync.apply(w, session, false);
        }
        return new HostConnection(w, wHost);
    }

    /** The logical connection is back on the writer: nothing is parked any more. */
    void forget() {
        connection = null;
        host = null;
    }

    /** Failover moved the logical connection off the reader: the parked writer connection is not needed any more. */
    void abandon() {
        Connections.abortQuietly(connection);
        forget();
    }

    /** The logical connection is released while on a reader: the parked writer connection is closed. */
    void close() {
        ReadWriteSplittingPlugin.closeQuietly(connection);
        connection = null;
    }

    private HostSpec currentWriter() {
        ClusterMonitor cluster = context.cluster();
        return cluster == null ? null : cluster.topology().writer().orElse(null);
    }

    private HostSpec awaitWriter(HostSpec failed) throws SQLException {
        ClusterMonitor cluster = context.cluster();
        if (cluster == null) {
            throw new SQLNonTransientConnectionException("The writer connection was lost and no topology is known", "08001");
        }
        try {
            HostSpec w = cluster.awaitWriter(failed, System.nanoTime() + settings.failoverTimeoutMs() * 1_000_000L);
            if (w == null) {
                throw new SQLNonTransientConnectionException("No writer answered within failoverTimeoutMs="
                        + settings.failoverTimeoutMs(), "08001");
            }
            return w;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLNonTransientConnectionException("interrupted while waiting for the writer", "08001", e);
        }
    }
}
