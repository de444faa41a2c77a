package dev.awsjca.topology;

import dev.awsjca.metrics.ClusterMetrics;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.awsjca.jdbc.SqlFailures;

/**
 * One per cluster, shared by all its connections: what they know of the cluster, and what they ask of
 * it. The topology as last seen and the search for the writer when it is lost are {@code WriterSearch}'s;
 * the thread that keeps them current is {@code TopologyPoller}'s: while the writer is known its node is
 * asked every {@code refreshMs}; while it is not, every node ({@code ProbeTargets}) every 50 ms, each by
 * a probe of its own ({@code TopologyProbe}) so that a node that hangs (blackholed) does not hold up the
 * others. A writer counts as found only when the adapter itself reached it and it said it takes writes.
 *
 * <p>The monitor holds no credentials: its probes connect through one of the cluster's open connections
 * (the newest that joined, see {@link #addMember}), so a password rotated or a connection closed is never
 * held here. A probe that fails to log in (wrong password, locked role) says nothing of the host's health.
 *
 * <p>Its threads and connections, and those of the services it shares ({@link #service}), end with
 * {@link #close}: after the last user's release ({@link ClusterRegistry}), or at the resource adapter's stop.
 */
public final class ClusterMonitor implements AutoCloseable {

    private final String key;
    private final Dialect dialect;
    private final TopologyEndpoints endpoints;
    private final Map<String, String> probeProperties;
    private final long disposalMs;
    private final ClusterMembers members;
    private final TopologyListeners listeners = new TopologyListeners();
    private final Map<String, HostHealth> health = new ConcurrentHashMap<>();
    private final ClusterServices services;
    private final ProbeTargets targets;
    private final WriterSearch search;
    private final TopologyPoller poller;
    // what the monitor sees goes to its registry's metrics (JMX and the configured outputs)
    private volatile ClusterMetrics metrics;

    /** Opens a connection to a host through one of the cluster's open connections (its credentials, its plugins). */
    @FunctionalInterface
    public interface MemberConnector {
        Connection connect(HostSpec host, Map<String, String> driverProperties) throws SQLException;
    }

    /**
     * A monitor whose probes connect through its members ({@link #addMember}), with these driver properties;
     * it outlives its last user by {@code disposalMs} ({@link ClusterRegistry#release}).
     */
    public ClusterMonitor(String key, Dialect dialect, TopologyEndpoints endpoints, Map<String, String> probeProperties,
                          long refreshMs, long disposalMs) {
        this(key, dialect, endpoints, null, refreshMs, probeProperties, disposalMs);
    }

    /** A monitor whose probes connect with {@code connector} (tests). */
    public ClusterMonitor(String key, Dialect dialect, TopologyEndpoints endpoints, HostConnector connector, long refreshMs) {
        this(key, dialect, endpoints, connector, refreshMs, Map.of(), 0);
    }

    private ClusterMonitor(String key, Dialect dialect, TopologyEndpoints endpoints, HostConnector connector, long refreshMs,
                           Map<String, String> probeProperties, long disposalMs) {
        this.key = key;
        this.dialect = dialect;
        this.endpoints = endpoints;
        this.probeProperties = Map.copyOf(probeProperties);
        this.disposalMs = disposalMs;
        this.members = new ClusterMembers(key, connector);
        this.services = new ClusterServices(key, this::isClosed);
        this.targets = new ProbeTargets(key, dialect, endpoints);
        // the writer's topology holds the nodes the replicas named during the search
        this.search = new WriterSearch(key, refreshMs, this::metrics, targets::forgetHints);
        this.poller = new TopologyPoller(key, search, members, targets, host -> new TopologyProbe(host, this, search, targets));
    }

    void start() {
        poller.start();
    }

    /** How long the monitor keeps running after its last user left (monitorDisposalTimeMs). */
    public long disposalMs() {
        return disposalMs;
    }

    /** Where this monitor records what it sees; set by its registry before it starts. */
    public void recordTo(ClusterMetrics clusterMetrics) {
        this.metrics = clusterMetrics;
    }

    private ClusterMetrics metrics() {
        ClusterMetrics m = metrics;
        if (m == null) {
            m = ClusterMetrics.detached(key);
            metrics = m;
        }
        return m;
    }

    public String key() {
        return key;
    }

    /**
     * An open connection of the cluster offers its way of connecting (credentials, IAM, secrets) for the
     * monitors' probes, until {@link #removeMember}. The newest member is used. Returns true when the
     * monitor had no member: it did not probe meanwhile (it lingered), and its topology may be stale.
     */
    public boolean addMember(Object owner, MemberConnector memberConnector) {
        boolean idle = members.add(owner, memberConnector);
        search.wakeUp();
        return idle;
    }

    public void removeMember(Object owner) {
        members.remove(owner);
    }

    /**
     * Connects with {@code driverProperties} through the newest open connection of the cluster (or the
     * connector this monitor was made with). Fails with 08003 when no connection of the cluster is open.
     */
    public HostConnector connector(Map<String, String> driverProperties) {
        return members.connector(driverProperties);
    }

    /** How the probes connect: with the monitor's probe properties (short timeouts). */
    HostConnector probeConnector() {
        return connector(probeProperties);
    }

    public Dialect dialect() {
        return dialect;
    }

    public TopologyEndpoints endpoints() {
        return endpoints;
    }

    public Topology topology() {
        return search.topology();
    }

    /** The health record of a host (made on first use). */
    public HostHealth health(HostSpec host) {
        return health.computeIfAbsent(host.endpoint(), k -> new HostHealth(nanos -> metrics().hostDown(host, nanos)));
    }

    /** Every host's health record, by endpoint (a live, read-only view). */
    public Map<String, HostHealth> hostHealth() {
        return Collections.unmodifiableMap(health);
    }

    /**
     * A service shared by the cluster's connections (e.g. the host monitors of the hostMonitoring plugin):
     * made on first use under {@code name}, closed when this monitor closes, so its threads and
     * connections end with the last user of the cluster (and with the resource adapter's stop).
     *
     * @throws IllegalStateException when the monitor is closed
     */
    public <S extends AutoCloseable> S service(String name, Class<S> type, java.util.function.Supplier<S> factory) {
        return services.get(name, type, factory);
    }

    /** Called with the new topology whenever the writer or the set of hosts changes. */
    public void addListener(Consumer<Topology> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Topology> listener) {
        listeners.remove(listener);
    }

    /** Reads the topology through a connection the caller holds (its first connection to the cluster). */
    public Topology refreshFrom(Connection connection, HostSpec connectedTo) throws SQLException {
        long generation = search.nextGeneration();
        List<HostSpec> hosts = dialect.discoversHosts() ? dialect.topology(connection, endpoints)
                : endpoints.selfManagedTopology(connectedTo, dialect.isWriter(connection));
        if (!hosts.isEmpty() && hosts.stream().anyMatch(h -> h.role() == HostRole.WRITER)) {
            update(hosts, false, generation);
        }
        return search.topology();
    }

    /**
     * The writer, once one is found that is not {@code failed} or that was confirmed again after this
     * call; null if none by the deadline. Starts the search if it is not running.
     *
     * @throws SQLException when a probe made after this call was refused its login ({@link
     *         SqlFailures#isLoginRefused}): the nodes answer, and no writer will take this login
     */
    public HostSpec awaitWriter(HostSpec failed, long deadlineNanos) throws InterruptedException, SQLException {
        return search.awaitWriter(failed, deadlineNanos);
    }

    /**
     * A connection to the host failed (a failover's connect, a demoted node): one failed observation of its
     * health ({@link HostHealth#FAILURES_TO_DOWN}); if it was the writer, look for the writer.
     */
    public void reportDown(HostSpec host) {
        health(host).probeFailed();
        search.lookIfWriterWas(host, host.endpoint() + " failed");
    }

    /**
     * Host monitoring has seen the host silent for an interval: not dead yet, but if it is the writer, the
     * nodes a search would ask are logged in to now, while the silence is being confirmed.
     */
    public void suspect(HostSpec host) {
        Topology current = search.topology();
        if (!search.isSearching() && current.writer().map(w -> w.endpoint().equals(host.endpoint())).orElse(false)) {
            poller.prepareSearch(current, host);
        }
    }

    /** Host monitoring declared the host dead (after its own failureDetectionCount): DOWN now, and look. */
    public void declareDead(HostSpec host) {
        health(host).markDown();
        search.lookIfWriterWas(host, host.endpoint() + " declared dead");
    }

    /** A probe found a writer (or, for self-managed clusters, a node's role): record it, tell everyone. */
    void update(List<HostSpec> hosts, boolean confirmedWriter, long generation) {
        Topology next = new Topology(hosts);
        targets.remember(hosts);
        Topology previous = search.record(next, confirmedWriter, generation);
        if (previous == null) {
            return; // older than what is known, or than the search: a late answer
        }
        if (!sameTopology(previous, next)) {
            metrics().topologyChanged(previous, next);
            listeners.tell(next);
        }
    }

    private static boolean sameTopology(Topology a, Topology b) {
        return Objects.equals(a.writer().map(HostSpec::endpoint), b.writer().map(HostSpec::endpoint))
                && a.hosts().size() == b.hosts().size()
                && a.hosts().stream().map(HostSpec::endpoint).toList().containsAll(b.hosts().stream().map(HostSpec::endpoint).toList());
    }

    /** Stops the loop and every probe; closes every connection the monitor opened. */
    @Override
    public void close() {
        if (!search.close()) {
            return;
        }
        poller.stop();
        services.closeAll();
    }

    public boolean isClosed() {
        return search.isClosed();
    }

    // views (the cluster's MBean in dev.awsjca.metrics, tests)

    public String getClusterKey() {
        return key;
    }

    public String getDialect() {
        return dialect.code();
    }

    public String getWriter() {
        return search.topology().writer().map(HostSpec::endpoint).orElse("");
    }

    public String[] getTopology() {
        return search.topology().hosts().stream().map(HostSpec::toString).toArray(String[]::new);
    }

    public boolean isSearchingForWriter() {
        return search.isSearching();
    }

    public String[] getHostHealth() {
        return health.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).sorted().toArray(String[]::new);
    }

    public int getConnections() {
        return listeners.connections();
    }

    @Override
    public String toString() {
        return "ClusterMonitor[" + key + ", writer=" + getWriter() + "]";
    }
}
