package dev.awsjca.pipeline;

import dev.awsjca.config.WrapperConfig;
import dev.awsjca.metrics.DefinitionMetrics;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.ClusterRegistry;
import dev.awsjca.topology.HostSpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** What a plugin may see and do on its logical connection. */
public interface PluginContext {

    WrapperConfig config();

    /** The physical (pgjdbc) connection the logical connection runs on now. */
    Connection currentConnection();

    /** The host of {@link #currentConnection()}. */
    HostSpec currentHost();

    /**
     * Opens a new physical connection to {@code host} through the whole connect chain (so credentials
     * plugins take part). It does not become current until {@link #switchConnection}.
     */
    Connection connect(HostSpec host) throws SQLException;

    /** As {@link #connect(HostSpec)}, with some driver properties changed (short timeouts for probes). */
    Connection connect(HostSpec host, Map<String, String> driverProperties) throws SQLException;

    /**
     * The metrics of this connection's definition: plugins record failovers, credential fetches and routing
     * here (docs/METRICS.md). Never given credentials or SQL.
     */
    DefinitionMetrics metrics();

    /** The registry of clusters this connection belongs to: monitors shared with its other connections. */
    ClusterRegistry clusters();

    /**
     * This connection belongs to the monitor's cluster: every plugin of it is told of topology changes
     * until the connection is closed, when the monitor is released. Once per connection.
     */
    void joinCluster(ClusterMonitor monitor);

    /** The cluster this connection joined, or null. */
    ClusterMonitor cluster();

    /**
     * Makes {@code connection} the one the logical connection runs on; every plugin is told. The caller
     * decides what happens to the previous one. Statements and result sets made before keep their
     * physical objects; new ones use the new connection.
     */
    void switchConnection(Connection connection, HostSpec host);

    /**
     * Whether the open transaction is a branch of a global (XA) transaction: its transaction manager
     * settles the outcome (two-phase commit finishes prepared branches on the new writer), so a plugin
     * need not pay per transaction for what only a local commit would use.
     */
    boolean isGlobalTransactionBranch();
}
