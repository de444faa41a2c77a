package dev.awsjca.plugins.failover;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.HostPattern;
import dev.awsjca.jdbc.Connections;
import dev.awsjca.jdbc.FailoverFailedSQLException;
import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.pipeline.ConnectChain;
import dev.awsjca.pipeline.ConnectRequest;
import dev.awsjca.pipeline.HostConnection;
import dev.awsjca.pipeline.PluginContext;
import dev.awsjca.topology.AuroraPostgresDialect;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.Dialect;
import dev.awsjca.topology.Dialects;
import dev.awsjca.topology.HostRole;
import dev.awsjca.topology.HostSpec;
import dev.awsjca.topology.Topology;
import dev.awsjca.topology.TopologyEndpoints;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Where a new logical connection lands: it joins (or starts) its cluster's monitor, learns where the node
 * it reached stands in the topology, and moves to the node the failover mode wants (the writer with
 * strict-writer), checked; when the URL's host does not answer, a running monitor of the same cluster may
 * know where to go instead. One per connect, for the failover plugin.
 */
final class Placement {

    private static final System.Logger LOG = System.getLogger(Placement.class.getName());

    private final PluginContext context;
    private final FailoverSettings settings;
    private final Object member;
    private final Consumer<ClusterMonitor> joined;

    /**
     * @param member the cluster member (the plugin of this connection), whose login the monitor's probes use
     * @param joined told the monitor as soon as the connection joined it
     */
    Placement(PluginContext context, FailoverSettings settings, Object member, Consumer<ClusterMonitor> joined) {
        this.context = context;
        this.settings = settings;
        this.member = member;
        this.joined = joined;
    }

    /** Opens the first physical connection of a logical connection, on the node the failover mode wants. */
    HostConnection connect(ConnectRequest request, ConnectChain next) throws SQLException {
        HostConnection first;
        try {
            first = next.connect(request);
        } catch (SQLException e) {
            first = connectThroughTopology(request, next, e);
        }
        try {
            return joinCluster(first);
        } catch (ConfigurationException e) {
            Connections.abortQuietly(first.connection());
            throw new SQLNonTransientConnectionException(e.getMessage(), "08001", e);
        } catch (SQLException | RuntimeException e) {
            Connections.abortQuietly(first.connection());
            throw e;
        }
    }

    private HostConnection joinCluster(HostConnection first) throws SQLException {
        Connection connection = first.connection();
        Dialect dialect = settings.dialect() != null ? Dialects.byCode(settings.dialect()) : Dialects.detect(connection);
        HostPattern pattern = dialect instanceof AuroraPostgresDialect ? settings.requirePattern(dialect.code())
                : settings.instancePattern();
        List<HostSpec> urlHosts = context.config().hosts();
        TopologyEndpoints endpoints = new TopologyEndpoints(pattern, urlHosts);
        String key = ClusterKeys.key(dialect, pattern, urlHosts, context.config());
        ClusterMonitor.MemberConnector through = context::connect; // probes log in as this connection does, while it is open
        ClusterMonitor monitor = context.clusters().acquire(key, () -> {
            ClusterMonitor m = new ClusterMonitor(key, dialect, endpoints, FailoverPlugin.PROBE_PROPERTIES, settings.topologyRefreshMs(),
                    settings.monitorDisposalMs());
            m.addMember(member, through); // before it starts: its first probes go out at once
            return m;
        });
        joined.accept(monitor); // the plugin leaves it on release, whatever happens next
        boolean idle = monitor.addMember(member, through);
        context.joinCluster(monitor);

        Topology topology = monitor.topology();
        if (topology.writer().isEmpty() || idle) { // idle: it lingered without probing; what it knows may be old
            topology = monitor.refreshFrom(connection, first.host());
        }
        HostSpec here = locate(connection, first.host(), topology, dialect);
        // the node's own word, not the topology's (which may be up to clusterTopologyRefreshMs old, or older
        // after the monitor lingered): a stale topology must not send a connection to a demoted writer
        boolean hereWrites = dialect.isWriter(connection);
        if (hereWrites != (here.role() == HostRole.WRITER)) {
            topology = monitor.refreshFrom(connection, first.host());
            here = locate(connection, first.host(), topology, dialect).withRole(hereWrites ? HostRole.WRITER : HostRole.READER);
        }
        HostSpec target = here;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs());
        if (settings.mode() == FailoverMode.STRICT_WRITER && here.role() != HostRole.WRITER) {
            target = topology.writer().orElse(null);
            if (target == null) {
                target = NextHost.awaitWriter(monitor, null, deadline);
            }
            if (target == null) {
                throw new FailoverFailedSQLException("No writer of cluster " + key + " answered within failoverTimeoutMs="
                        + settings.timeoutMs(), null);
            }
        }
        if (target.endpoint().equals(first.host().endpoint())) {
            return new HostConnection(connection, target);
        }
        // a cluster endpoint, or a node that is not the writer: go to the instance endpoint itself, checked
        boolean strict = settings.mode() == FailoverMode.STRICT_WRITER;
        SQLException lastFailure = null;
        while (true) {
            Connection moved = null;
            try {
                moved = context.connect(target);
                if (!strict || dialect.isWriter(moved)) {
                    Connections.abortQuietly(connection);
                    return new HostConnection(moved, target);
                }
                Connections.abortQuietly(moved); // demoted since the monitor looked
            } catch (SQLException e) {
                Connections.abortQuietly(moved);
                if (!SqlFailures.isConnectionFailure(e) || (!strict && System.nanoTime() - deadline > 0)) {
                    throw e;
                }
                lastFailure = e;
            }
            monitor.reportDown(target); // the writer the monitor knew is not: look for the new one
            if (!strict) {
                // the node reached through the URL does not answer on its instance endpoint: any other node the
                // mode allows serves as well
                HostSpec other = anotherNode(monitor, target, deadline);
                if (other == null) {
                    throw lastFailure;
                }
                target = other;
                continue;
            }
            HostSpec found = NextHost.awaitWriter(monitor, target, deadline);
            if (found == null) {
                throw new FailoverFailedSQLException("No writer of cluster " + key + " answered within failoverTimeoutMs="
                        + settings.timeoutMs(), lastFailure);
            }
            target = found;
            if (hereWrites && target.endpoint().equals(first.host().endpoint())) {
                return new HostConnection(connection, target);
            }
        }
    }

    /** For a mode that does not insist on the writer: a usable reader, else (unless strict-reader) the writer. */
    private HostSpec anotherNode(ClusterMonitor monitor, HostSpec failed, long deadline) throws SQLException {
        HostSpec reader = NextHost.aReader(monitor, failed);
        if (reader != null || settings.mode() == FailoverMode.STRICT_READER) {
            return reader;
        }
        return NextHost.awaitWriter(monitor, failed, deadline);
    }

    /**
     * The URL's host did not answer. When it is a cluster endpoint whose DNS still names a crashed writer,
     * the cluster's monitor (kept by the application's other connections) knows where the writer is now:
     * connect there. Without a running monitor nothing is known, and the URL's failure stands.
     */
    private HostConnection connectThroughTopology(ConnectRequest request, ConnectChain next, SQLException urlFailure)
            throws SQLException {
        ClusterMonitor known = SqlFailures.isConnectionFailure(urlFailure)
                ? ClusterKeys.running(context.clusters(), settings, context.config().hosts(), context.config()) : null;
        if (known == null) {
            throw urlFailure;
        }
        known.addMember(member, context::connect); // a lingering monitor searches through this connection's login
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs());
        HostSpec failed = null;
        while (System.nanoTime() < deadline) {
            HostSpec target = settings.mode() == FailoverMode.STRICT_READER ? NextHost.aReader(known, null) : null;
            if (target == null) {
                try {
                    target = known.awaitWriter(failed, deadline);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (target == null) {
                break;
            }
            try {
                HostConnection c = next.connect(request.withHosts(List.of(target)));
                LOG.log(Level.INFO, "{0} did not answer ({1}); connected to {2}, known from the topology of {3}",
                        request.hosts().get(0).endpoint(), urlFailure.getSQLState(), target.endpoint(), known.key());
                return c;
            } catch (SQLException e) {
                if (!SqlFailures.isConnectionFailure(e)) {
                    urlFailure.addSuppressed(e);
                    break;
                }
                known.reportDown(target);
                failed = target;
                NextHost.pause();
            }
        }
        throw urlFailure;
    }

    private static HostSpec locate(Connection c, HostSpec connectedTo, Topology topology, Dialect dialect) throws SQLException {
        String id = dialect.instanceId(c);
        for (HostSpec h : topology.hosts()) {
            if (id != null ? id.equals(h.instanceId()) : h.endpoint().equals(connectedTo.endpoint())) {
                return h;
            }
        }
        return connectedTo.withRole(dialect.isWriter(c) ? HostRole.WRITER : HostRole.READER);
    }
}
