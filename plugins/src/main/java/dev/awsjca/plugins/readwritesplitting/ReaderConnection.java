package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.jdbc.Connections;
import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.pipeline.PluginContext;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostSpec;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Map;

/**
 * The reader physical connection of one logical connection, current (the logical connection reads on it)
 * or parked (kept for the next read): opened on a reader the strategy picks, kept while that reader stays
 * usable, and given up when the reader is lost, when it sat idle too long, or when the logical connection
 * is released. Each open reader connection is counted in the cluster's {@link ClusterReaders}, so that
 * the least-connections strategy sees it and a reader declared unreachable aborts it.
 *
 * <p>Guarded by the plugin's lock: the cluster's probe thread reaches it only through
 * {@link ReadWriteSplittingPlugin#closeIfIdle}, which takes that lock.
 */
final class ReaderConnection {

    // the plugin's logger, so that logging configured for the plugin still covers the reader connection
    private static final System.Logger LOG = System.getLogger(ReadWriteSplittingPlugin.class.getName());

    private final ReadWriteSplittingPlugin owner;
    private final PluginContext context;
    private final SplittingSettings settings;
    private final SessionSync sync;
    private ClusterReaders readers;
    private Connection connection;
    private HostSpec host;
    private long usedNanos;

    /** @param owner the plugin of this logical connection, which the cluster's readers ask to close it when idle */
    ReaderConnection(ReadWriteSplittingPlugin owner, PluginContext context, SplittingSettings settings, SessionSync sync) {
        this.owner = owner;
        this.context = context;
        this.settings = settings;
        this.sync = sync;
    }

    /**
     * The reader connection, opened on a reader the strategy picks if there is none or its reader is no
     * longer usable. Null when no reader is usable and {@code readerFallback=writer}.
     */
    Connection connection() throws SQLException {
        ClusterReaders all = readers();
        if (connection != null) {
            boolean usable = !connection.isClosed() && all.usable(settings.maxReaderLagMs(), null).stream()
                    .anyMatch(s -> s.host().endpoint().equals(host.endpoint()));
            if (usable) {
                return connection;
            }
            drop();
        }
        String excluded = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            ReaderState chosen = all.choose(settings.maxReaderLagMs(), excluded);
            if (chosen == null) {
                break;
            }
            Connection c = null;
            try {
                c = context.connect(chosen.host(), readOnlySession(context.config().driverProperties().getProperty("options")));
                c.setReadOnly(true); // once: a reader connection is never used for writes
                all.opened(chosen.host(), c);
                connection = c;
                host = chosen.host();
                return c;
            } catch (SQLException | RuntimeException e) {
                all.notOpened(chosen);
                Connections.abortQuietly(c);
                if (!(e instanceof SQLException sql) || !SqlFailures.isConnectionFailure(sql)) {
                    throw e;
                }
                all.unreachable(chosen.host());
                excluded = chosen.host().endpoint();
            }
        }
        if (settings.fallbackToWriter()) {
            return null;
        }
        throw new SQLNonTransientConnectionException("No reader of cluster " + context.cluster().key() + " is usable"
                + " (unreachable, down" + (settings.maxReaderLagMs() == null ? "" : ", or lagging beyond maxReaderLagMs="
                + settings.maxReaderLagMs()) + ") and readerFallback=fail", "08001");
    }

    /**
     * Driver properties of a reader connection: read-only as the server's session default instead of by
     * pgjdbc's {@code readOnlyMode=always}, which sends {@code SET SESSION CHARACTERISTICS} twice around every
     * transaction (setAutoCommit false, then true: two round trips in each JTA transaction on a reader
     * definition). Transactions begin {@code READ ONLY} as before, and a statement outside one is refused too,
     * on a hot standby and on a reader promoted under the connection alike. The user's own {@code options}
     * are kept.
     */
    static Map<String, String> readOnlySession(String userOptions) {
        String readOnly = "-c default_transaction_read_only=on";
        return Map.of("readOnlyMode", "transaction",
                "options", userOptions == null || userOptions.isBlank() ? readOnly : userOptions + " " + readOnly);
    }

    /** The reader the reader connection is open on. */
    HostSpec host() {
        return host;
    }

    /**
     * The cluster's readers, found at first use: they are a service of the cluster's monitor, which only
     * the failover plugin starts. From then on the cluster's probe thread closes this connection when idle.
     */
    private ClusterReaders readers() throws SQLException {
        if (readers == null) {
            ClusterMonitor cluster = context.cluster();
            if (cluster == null) {
                throw new SQLNonTransientConnectionException("Plugin readWriteSplitting learns the readers from the"
                        + " cluster's topology: add plugin failover to property 'plugins' (e.g."
                        + " plugins=readWriteSplitting,failover,hostMonitoring)", "08001");
            }
            PluginContext probes = context;
            readers = cluster.service(settings.serviceName(), ClusterReaders.class, () -> new ClusterReaders(cluster,
                    ReaderSelector.of(settings.strategy()), h -> probes.connect(h, ProbeProperties.of(settings)),
                    settings.probeIntervalMs(), settings.probeCount()));
            readers.track(owner);
        }
        return readers;
    }

    /** The logical connection made a call: the reader connection, current or parked, is not idle. */
    void used() {
        usedNanos = System.nanoTime();
    }

    /** The reader was lost (or is not to be used any more): close it, and never reuse it. */
    void drop() {
        Connection r = connection;
        if (r != null) {
            if (readers != null) {
                readers.closed(host, r);
            }
            Connections.abortQuietly(r);
            sync.forget(r);
        }
        connection = null;
        host = null;
    }

    /** A read on {@code host} failed to reach it: no more work goes there until its probe answers again. */
    void lost(HostSpec host) {
        if (readers != null && host != null) {
            readers.unreachable(host);
        }
        drop();
    }

    /**
     * The reader the logical connection was on was lost and failover moved the logical connection away.
     * The failover plugin aborts the old physical connection itself: here it is only forgotten.
     */
    void lostWhileCurrent() {
        if (readers != null && host != null) {
            readers.unreachable(host);
            readers.closed(host, connection);
        }
        sync.forget(connection);
        connection = null;
        host = null;
    }

    /**
     * Closes the reader connection once unused for readerIdleTimeoutMs, so that a pooled logical connection
     * that stopped reading does not keep a reader's connection open. Only for a parked one: the caller
     * knows the logical connection is not on it.
     */
    void closeIfIdle(long nowNanos) {
        if (connection != null && nowNanos - usedNanos > settings.readerIdleTimeoutMs() * 1_000_000L) {
            LOG.log(Level.DEBUG, "closing reader connection to {0}: idle", host.endpoint());
            Connection r = connection;
            readers.closed(host, r);
            connection = null;
            host = null;
            sync.forget(r);
            try {
                r.close();
            } catch (SQLException ignored) {
                // closing an idle connection: nothing to tell anyone
            }
        }
    }

    /**
     * The logical connection is released: the cluster's readers stop tracking it and no longer count its
     * reader connection, which is closed here when parked ({@code current}: the pipeline closes it).
     */
    void release(boolean current) {
        if (readers != null) {
            readers.untrack(owner);
        }
        if (current) {
            if (readers != null && host != null) {
                readers.closed(host, connection);
            }
        } else if (connection != null) {
            if (readers != null) {
                readers.closed(host, connection);
            }
            ReadWriteSplittingPlugin.closeQuietly(connection);
        }
        connection = null;
    }
}
