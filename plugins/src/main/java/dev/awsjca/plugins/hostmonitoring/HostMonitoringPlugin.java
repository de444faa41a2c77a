package dev.awsjca.plugins.hostmonitoring;

import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.JdbcCall;
import dev.awsjca.pipeline.JdbcChain;
import dev.awsjca.pipeline.JdbcMethod;
import dev.awsjca.pipeline.JdbcMethods;
import dev.awsjca.pipeline.PluginContext;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostSpec;

import java.sql.SQLException;
import java.util.Set;

/**
 * Marks the calls that wait on the server (statements, commit, rollback, fetching rows) so that the
 * host monitors know someone waits on the host; when the host is declared dead the monitor aborts the
 * physical connection and the call fails with a connection error that says why, which the failover
 * plugin (placed before this one) turns into a failover. The statement path costs two atomic adds (and a
 * clock read when failureDetectionTimeMs is set): all the probing happens elsewhere, shared per host.
 */
final class HostMonitoringPlugin implements ConnectionPlugin {

    /** The calls that can wait on the server for long. */
    static final Set<JdbcMethod> WATCHED = JdbcMethods.matching("*.execute*", "Connection.commit", "Connection.rollback",
            "ResultSet.next");

    private final PluginContext context;
    private final MonitoringSettings settings;
    private volatile WatchedConnection watched;
    private volatile boolean released;

    HostMonitoringPlugin(PluginContext context, MonitoringSettings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    public Set<JdbcMethod> subscribedMethods() {
        return WATCHED;
    }

    @Override
    public <T> T execute(JdbcCall<T> call, JdbcChain next) throws SQLException {
        WatchedConnection w = watched;
        if (w == null && (w = attach()) == null) {
            return next.proceed(call);
        }
        w.begin();
        try {
            T result = next.proceed(call);
            w.answered();
            return result;
        } catch (SQLException e) {
            throw w.explain(e);
        } finally {
            w.end();
        }
    }

    /**
     * Registers the current physical connection with its host's monitor. Lazily, on the first call after
     * the connection was opened or moved: the failover plugin joins the cluster after the connect chain.
     */
    private synchronized WatchedConnection attach() {
        if (watched != null || released) {
            return watched;
        }
        ClusterMonitor cluster = context.cluster();
        HostSpec host = context.currentHost();
        if (cluster == null || host == null || cluster.isClosed()) {
            return null;
        }
        HostMonitors monitors;
        try {
            monitors = cluster.service(settings.serviceName(), HostMonitors.class, () -> new HostMonitors(cluster, settings,
                    cluster.connector(settings.probeDriverProperties())));
        } catch (IllegalStateException closing) {
            return null;
        }
        watched = monitors.watch(host, context.currentConnection());
        return watched;
    }

    @Override
    public void connectionChanged(HostSpec newHost) {
        detach(); // the next call registers the new connection with its host's monitor
    }

    @Override
    public void release() {
        released = true;
        detach();
    }

    private synchronized void detach() {
        WatchedConnection w = watched;
        watched = null;
        if (w != null) {
            w.leave();
        }
    }
}
