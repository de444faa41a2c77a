package dev.awsjca.pipeline;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.WrapperProperties;
import dev.awsjca.metrics.DefinitionMetrics;

import dev.awsjca.config.WrapperConfig;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.ClusterRegistry;
import dev.awsjca.topology.HostSpec;
import dev.awsjca.topology.Topology;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The pipeline of one logical connection: its plugins in configured order, the chain composed for each
 * JDBC method, and the physical connection it runs on now.
 */
public final class ConnectionPipeline implements PluginContext {

    private static final System.Logger LOG = System.getLogger(ConnectionPipeline.class.getName());

    /** Shared by every connection without subscribed plugins; never written. */
    private static final JdbcChain[] NO_CHAINS = new JdbcChain[JdbcMethod.values().length];

    private final WrapperConfig config;
    private final List<String> codes;
    private final List<ConnectionPlugin> plugins = new ArrayList<>();
    // set once in open(), before the pipeline is handed to anyone but its own plugins
    private JdbcChain[] chains;
    private ConnectChain connectChain;
    private volatile Connection connection;
    private volatile HostSpec host;

    private final ClusterRegistry clusters;
    private final DefinitionMetrics metrics;
    private final Consumer<Topology> topologyListener = this::topologyChanged;
    private ClusterMonitor cluster; // guarded by this
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean globalTransactionBranch;

    private ConnectionPipeline(WrapperConfig config, ClusterRegistry clusters) {
        this.config = config;
        this.clusters = clusters;
        this.codes = config.pluginCodes();
        this.metrics = clusters.metrics().definition(config);
    }

    /**
     * Makes the plugins named in the configuration and opens the first physical connection through them.
     * On failure nothing is left open.
     */
    public static ConnectionPipeline open(WrapperConfig config, PhysicalConnector driver, PluginRegistry registry,
                                          ClusterRegistry clusters) throws SQLException {
        long start = System.nanoTime();
        ConnectionPipeline pipeline;
        try {
            pipeline = new ConnectionPipeline(config, clusters);
        } catch (ConfigurationException e) {
            throw new SQLNonTransientConnectionException(e.getMessage(), "08001", e);
        }
        try {
            for (String code : pipeline.codes) {
                ConnectionPluginFactory factory = registry.factory(code);
                if (factory == null) {
                    // an explicit list was checked against the class path: this is the default, or a packaging error
                    throw new SQLException(config.isSet(WrapperProperties.PLUGINS)
                            ? "plugin '" + code + "' is configured but its factory is not on the class path: add the plugins"
                            + " jar (it is inside the rar), or leave '" + code + "' out of property 'plugins'"
                            : "property 'plugins' is not set, and its default (" + String.join(",", WrapperProperties.DEFAULT_PLUGINS)
                            + ") needs the plugins jar (dev.awsjca:plugins, inside the rar) on the class path, which has no '"
                            + code + "' plugin: add the jar, or set 'plugins' to the codes wanted (empty for none)", "08001");
                }
                pipeline.plugins.add(factory.create(pipeline));
            }
            pipeline.chains = composeChains(pipeline.plugins);
            ConnectChain chain = new ConnectChain(null, null, driver);
            for (int i = pipeline.plugins.size() - 1; i >= 0; i--) {
                chain = new ConnectChain(pipeline.plugins.get(i), chain, driver);
            }
            pipeline.connectChain = chain;
            ConnectRequest request = new ConnectRequest(config.hosts(), config.database(), config.driverProperties(), true);
            HostConnection first = chain.connect(request);
            pipeline.connection = first.connection();
            pipeline.host = first.host();
            pipeline.metrics.connectionOpened(first.host(), System.nanoTime() - start);
            return pipeline;
        } catch (SQLException | RuntimeException | Error e) {
            pipeline.release();
            throw e;
        }
    }

    /** The chains by {@link JdbcMethod#ordinal()}; null where no plugin subscribed. Read-only. */
    public JdbcChain[] chains() {
        return chains;
    }

    @Override
    public boolean isGlobalTransactionBranch() {
        return globalTransactionBranch;
    }

    /** Set by the resource adapter's XAResource while a branch is open on this connection. */
    public void globalTransactionBranch(boolean inBranch) {
        globalTransactionBranch = inBranch;
    }

    /** The plugin codes in order. */
    public List<String> pluginCodes() {
        return codes;
    }

    /** The chain composed for one method, e.g. for logs and the demo; empty when no plugin subscribed. */
    public String describeChain(JdbcMethod method) {
        JdbcChain chain = chains[method.ordinal()];
        return chain == null ? "[]" : chain.toString();
    }

    @Override
    public WrapperConfig config() {
        return config;
    }

    @Override
    public Connection currentConnection() {
        return connection;
    }

    @Override
    public HostSpec currentHost() {
        return host;
    }

    @Override
    public Connection connect(HostSpec target) throws SQLException {
        return connect(target, Map.of());
    }

    @Override
    public Connection connect(HostSpec target, Map<String, String> driverProperties) throws SQLException {
        if (connectChain == null) {
            throw new IllegalStateException("a plugin opened a connection while the pipeline was being made");
        }
        Properties properties = config.driverProperties();
        properties.putAll(driverProperties);
        return connectChain.connect(new ConnectRequest(List.of(target), config.database(), properties, false)).connection();
    }

    @Override
    public DefinitionMetrics metrics() {
        return metrics;
    }

    @Override
    public ClusterRegistry clusters() {
        return clusters;
    }

    @Override
    public synchronized void joinCluster(ClusterMonitor monitor) {
        if (cluster != null) {
            throw new IllegalStateException("this connection already belongs to " + cluster.key());
        }
        cluster = monitor;
        monitor.addListener(topologyListener);
        metrics.joinedCluster(monitor.key());
    }

    @Override
    public synchronized ClusterMonitor cluster() {
        return cluster;
    }

    @Override
    public void switchConnection(Connection newConnection, HostSpec newHost) {
        metrics.connectionMoved(this.host, newHost);
        this.connection = newConnection;
        this.host = newHost;
        for (ConnectionPlugin plugin : plugins) {
            plugin.connectionChanged(newHost);
        }
    }

    /** Tells every plugin of this connection that the cluster's topology changed. */
    private void topologyChanged(Topology topology) {
        for (ConnectionPlugin plugin : plugins) {
            plugin.topologyChanged(topology);
        }
    }

    /** The logical connection is closed: plugins let go of what they hold for it, and it leaves its cluster. */
    public void release() {
        if (released.getAndSet(true)) {
            return;
        }
        metrics.connectionClosed(host); // null, and not counted, when the first connection was never made
        for (ConnectionPlugin plugin : plugins) {
            releaseQuietly(plugin);
        }
        ClusterMonitor left;
        synchronized (this) {
            left = cluster;
            cluster = null;
        }
        if (left != null) {
            left.removeListener(topologyListener);
            clusters.release(left);
        }
    }

    private static void releaseQuietly(ConnectionPlugin plugin) {
        try {
            plugin.release();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "plugin " + plugin.getClass().getName() + " failed to release its resources", e);
        }
    }

    /**
     * One chain per method from the plugins that subscribed to it, in configured order. Methods with the
     * same subscribers share one chain object.
     */
    static JdbcChain[] composeChains(List<ConnectionPlugin> plugins) {
        if (plugins.isEmpty()) {
            return NO_CHAINS;
        }
        if (plugins.size() > 63) {
            throw new IllegalArgumentException("at most 63 plugins per connection, got " + plugins.size());
        }
        List<Set<JdbcMethod>> subscriptions = new ArrayList<>(plugins.size());
        for (ConnectionPlugin plugin : plugins) {
            subscriptions.add(plugin.subscribedMethods());
        }
        JdbcMethod[] methods = JdbcMethod.values();
        JdbcChain[] result = new JdbcChain[methods.length];
        Map<Long, JdbcChain> bySubscribers = new HashMap<>();
        boolean any = false;
        for (JdbcMethod method : methods) {
            long mask = 0;
            for (int i = 0; i < plugins.size(); i++) {
                if (subscriptions.get(i).contains(method)) {
                    mask |= 1L << i;
                }
            }
            if (mask != 0) {
                any = true;
                result[method.ordinal()] = bySubscribers.computeIfAbsent(mask, m -> link(plugins, m));
            }
        }
        return any ? result : NO_CHAINS;
    }

    private static JdbcChain link(List<ConnectionPlugin> plugins, long mask) {
        JdbcChain chain = JdbcChain.DRIVER;
        for (int i = plugins.size() - 1; i >= 0; i--) {
            if ((mask & (1L << i)) != 0) {
                chain = new JdbcChain(plugins.get(i), chain);
            }
        }
        return chain;
    }
}
