package dev.awsjca.metrics;

import dev.awsjca.topology.HostRole;
import dev.awsjca.topology.HostSpec;

import java.sql.SQLException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The metrics of one connection definition (a JCA connection definition, a DataSource, a driver URL):
 * what its connections did. Plugins record through {@code context.metrics()}; JMX and EMF read this state,
 * OpenTelemetry also gets each event.
 */
public final class DefinitionMetrics implements ConnectionDefinitionMXBean {

    /** For connections made outside any registry (tests of single plugins): records, shows nowhere. */
    public static DefinitionMetrics detached(String name) {
        return new DefinitionMetrics(name, Telemetry.JMX, null);
    }

    private final String name;
    private final Telemetry telemetry;
    private final MetricsRegistry registry;
    private volatile String cluster = "";
    private final Map<String, AtomicLong> failovers = new ConcurrentHashMap<>(); // "<outcome>/<cause>"
    private final Map<String, Durations> failoverTimesByKind = new ConcurrentHashMap<>();
    private final Durations failoverTimes = new Durations();
    private final Map<String, CredentialFetches> credentials = new ConcurrentHashMap<>();
    private final Map<HostRole, LongAdder> routed = new EnumMap<>(HostRole.class);
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Map<String, HostSpec> hosts = new ConcurrentHashMap<>();
    private final Durations connectTimes = new Durations();

    DefinitionMetrics(String name, Telemetry telemetry, MetricsRegistry registry) {
        this.name = name;
        this.telemetry = telemetry;
        this.registry = registry;
        for (HostRole role : HostRole.values()) {
            routed.put(role, new LongAdder());
        }
    }

    EventSink sink() {
        return registry == null || telemetry != Telemetry.OTEL ? EventSink.NONE : registry.otel();
    }

    Telemetry telemetry() {
        return telemetry;
    }

    // ---- recording

    /**
     * A connection of this definition failed over (or tried to) in the given time. {@code error} is what
     * started it, null when the topology moved the connection; only its SQLState class is kept.
     */
    public void failover(String clusterKey, long nanos, boolean success, SQLException error) {
        FailoverCause cause = FailoverCause.of(error);
        String kind = outcome(success) + "/" + cause.label();
        failovers.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        failoverTimes.record(nanos);
        failoverTimesByKind.computeIfAbsent(kind, k -> new Durations()).record(nanos);
        if (clusterKey != null) {
            cluster = clusterKey;
            if (registry != null) {
                registry.cluster(clusterKey).failover(nanos, success);
            }
        }
        sink().failover(this, cluster, nanos, success, cause);
    }

    /** The fetches of a credentials plugin ({@code iam}, {@code secretsManager}) for this definition. */
    public CredentialFetches credentials(String plugin) {
        return credentials.computeIfAbsent(plugin, p -> new CredentialFetches(this, p));
    }

    /** Read/write splitting sent a statement or transaction to a host of this role. */
    public void routed(HostRole role) {
        routed.get(role).increment();
        sink().routed(this, role);
    }

    /** A new logical connection is open on {@code host}; opening it took {@code nanos}. */
    public void connectionOpened(HostSpec host, long nanos) {
        connectTimes.record(nanos);
        add(host, 1);
        sink().connectionCreated(this, nanos);
    }

    public void connectionMoved(HostSpec from, HostSpec to) {
        add(from, -1);
        add(to, 1);
    }

    public void connectionClosed(HostSpec host) {
        add(host, -1);
    }

    /** The connection joined a cluster (its failover plugin found it). */
    public void joinedCluster(String clusterKey) {
        cluster = clusterKey;
    }

    private void add(HostSpec host, int delta) {
        if (host != null) {
            hosts.put(host.endpoint(), host);
            connections.computeIfAbsent(host.endpoint(), k -> new AtomicInteger()).addAndGet(delta);
        }
    }

    static String outcome(boolean success) {
        return success ? "success" : "failed";
    }

    // ---- reading (JMX, EMF, OpenTelemetry's observers)

    String cluster() {
        return cluster;
    }

    Map<String, Durations> failoverTimesByKind() {
        return failoverTimesByKind;
    }

    Map<String, Long> failoverCounts() {
        Map<String, Long> m = new TreeMap<>();
        failovers.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    Iterable<CredentialFetches> credentialFetches() {
        return credentials.values();
    }

    long routedCount(HostRole role) {
        return routed.get(role).sum();
    }

    /** Hosts with connections of this definition (now or before), with their count now. */
    Map<HostSpec, Integer> connectionsByHostSpec() {
        Map<HostSpec, Integer> m = new LinkedHashMap<>();
        connections.forEach((endpoint, n) -> m.put(hosts.get(endpoint), n.get()));
        return m;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getTelemetry() {
        return telemetry.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String getCluster() {
        return cluster;
    }

    @Override
    public long getFailoversSucceeded() {
        return failovers.entrySet().stream().filter(e -> e.getKey().startsWith("success/")).mapToLong(e -> e.getValue().get()).sum();
    }

    @Override
    public long getFailoversFailed() {
        return failovers.entrySet().stream().filter(e -> e.getKey().startsWith("failed/")).mapToLong(e -> e.getValue().get()).sum();
    }

    @Override
    public Map<String, Long> getFailoversByOutcomeAndCause() {
        return failoverCounts();
    }

    @Override
    public long getLastFailoverDurationMs() {
        return failoverTimes.lastMs();
    }

    @Override
    public long getMaxFailoverDurationMs() {
        return failoverTimes.maxMs();
    }

    @Override
    public double getMeanFailoverDurationMs() {
        return failoverTimes.meanMs();
    }

    @Override
    public Map<String, Long> getFailoverDurationHistogram() {
        return failoverTimes.histogram();
    }

    @Override
    public Map<String, Long> getCredentialFetches() {
        Map<String, Long> m = new TreeMap<>();
        credentials.forEach((p, c) -> m.put(p, c.succeededCount()));
        return m;
    }

    @Override
    public Map<String, Long> getCredentialFetchFailures() {
        Map<String, Long> m = new TreeMap<>();
        credentials.forEach((p, c) -> m.put(p, c.failedCount()));
        return m;
    }

    @Override
    public Map<String, Long> getRouted() {
        Map<String, Long> m = new TreeMap<>();
        m.put("writer", routedCount(HostRole.WRITER));
        m.put("reader", routedCount(HostRole.READER));
        return m;
    }

    @Override
    public Map<String, Integer> getConnectionsByHost() {
        Map<String, Integer> m = new TreeMap<>();
        connections.forEach((endpoint, n) -> m.put(endpoint, n.get()));
        return m;
    }

    @Override
    public int getConnections() {
        return connections.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public long getLastConnectTimeMs() {
        return connectTimes.lastMs();
    }

    @Override
    public String toString() {
        return "DefinitionMetrics[" + name + "]";
    }
}
