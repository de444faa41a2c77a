package dev.awsjca.metrics;

import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostHealth;
import dev.awsjca.topology.HostSpec;
import dev.awsjca.topology.Topology;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics of one cluster: what its monitor saw (topology changes, writer searches, hosts declared
 * down) and the failovers of its connections, plus a live view of the monitor while one runs. Lives as
 * long as its registry, so counts survive a monitor that stops with its last connection.
 */
public final class ClusterMetrics implements ClusterMXBean {

    /** For a monitor made outside any registry (tests): records, shows nowhere. */
    public static ClusterMetrics detached(String key) {
        return new ClusterMetrics(key, null);
    }

    private final String key;
    private final MetricsRegistry registry;
    private volatile ClusterMonitor monitor;
    private final AtomicLong topologyChanges = new AtomicLong();
    private final AtomicLong failovers = new AtomicLong();
    private volatile long lastFailoverMs = -1;
    private volatile String lastFailoverOutcome = "";
    private final Durations writerSearches = new Durations();
    private final Durations detections = new Durations();
    private final Map<String, AtomicLong> detectionsByHost = new ConcurrentHashMap<>();
    private final Map<String, Durations> detectionTimesByHost = new ConcurrentHashMap<>();
    private final Map<String, HostSpec> hostsSeen = new ConcurrentHashMap<>();
    private long searchStartedNanos; // guarded by this; 0: not searching

    ClusterMetrics(String key, MetricsRegistry registry) {
        this.key = key;
        this.registry = registry;
    }

    private EventSink sink() {
        return registry == null ? EventSink.NONE : registry.clusterSink();
    }

    String key() {
        return key;
    }

    void attach(ClusterMonitor m) {
        monitor = m;
    }

    /** Detaches {@code m} if it is the one attached; true if it was. */
    boolean detach(ClusterMonitor m) {
        if (monitor == m) {
            monitor = null;
            return true;
        }
        return false;
    }

    ClusterMonitor monitor() {
        return monitor;
    }

    // ---- recording (the cluster monitor, and DefinitionMetrics for failovers)

    /** The writer or the set of hosts changed (the first topology read is not a change). */
    public void topologyChanged(Topology previous, Topology next) {
        if (previous.hosts().isEmpty()) {
            return;
        }
        topologyChanges.incrementAndGet();
        sink().topologyChanged(this);
    }

    /** The monitor started looking for the writer (it was lost or never known). */
    public synchronized void writerSearchStarted() {
        if (searchStartedNanos == 0) {
            searchStartedNanos = System.nanoTime() | 1; // never 0
        }
    }

    /** The monitor confirmed a writer: the search, if one ran, is over. */
    public void writerFound() {
        long nanos;
        synchronized (this) {
            if (searchStartedNanos == 0) {
                return;
            }
            nanos = System.nanoTime() - searchStartedNanos;
            searchStartedNanos = 0;
        }
        writerSearches.record(nanos);
        sink().writerFound(this, nanos);
    }

    /** A host was declared down, {@code detectionNanos} after its first failed or missed probe. */
    public void hostDown(HostSpec host, long detectionNanos) {
        hostsSeen.put(host.endpoint(), host);
        detections.record(detectionNanos);
        detectionsByHost.computeIfAbsent(host.endpoint(), k -> new AtomicLong()).incrementAndGet();
        detectionTimesByHost.computeIfAbsent(host.endpoint(), k -> new Durations()).record(detectionNanos);
        sink().hostDown(this, host, detectionNanos);
    }

    void failover(long nanos, boolean success) {
        failovers.incrementAndGet();
        lastFailoverMs = nanos / 1_000_000;
        lastFailoverOutcome = DefinitionMetrics.outcome(success);
    }

    // ---- reading

    long topologyChangeCount() {
        return topologyChanges.get();
    }

    Durations writerSearchTimes() {
        return writerSearches;
    }

    Map<String, Durations> detectionTimesByHost() {
        return detectionTimesByHost;
    }

    /** The hosts the monitor knows (health records) or that were declared down, by endpoint. */
    Map<String, HostSpec> hosts() {
        Map<String, HostSpec> all = new HashMap<>(hostsSeen);
        ClusterMonitor m = monitor;
        if (m != null) {
            m.hostHealth().keySet().forEach(endpoint -> all.putIfAbsent(endpoint, null));
            m.topology().hosts().forEach(h -> all.put(h.endpoint(), h));
        }
        return all;
    }

    /** The health record of a host while the monitor runs; null otherwise. */
    HostHealth health(String endpoint) {
        ClusterMonitor m = monitor;
        return m == null ? null : m.hostHealth().get(endpoint);
    }

    static String state(HostHealth h) {
        return h.state().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String getClusterKey() {
        return key;
    }

    @Override
    public String getDialect() {
        ClusterMonitor m = monitor;
        return m == null ? "" : m.getDialect();
    }

    @Override
    public String getWriter() {
        ClusterMonitor m = monitor;
        return m == null ? "" : m.getWriter();
    }

    @Override
    public String[] getTopology() {
        ClusterMonitor m = monitor;
        return m == null ? new String[0] : m.getTopology();
    }

    @Override
    public boolean isSearchingForWriter() {
        ClusterMonitor m = monitor;
        return m != null && m.isSearchingForWriter();
    }

    @Override
    public int getConnections() {
        ClusterMonitor m = monitor;
        return m == null ? 0 : m.getConnections();
    }

    @Override
    public long getFailoverCount() {
        return failovers.get();
    }

    @Override
    public long getLastFailoverDurationMs() {
        return lastFailoverMs;
    }

    @Override
    public String getLastFailoverOutcome() {
        return lastFailoverOutcome;
    }

    @Override
    public long getTopologyChanges() {
        return topologyChanges.get();
    }

    @Override
    public long getWriterSearches() {
        return writerSearches.count();
    }

    @Override
    public long getLastWriterSearchMs() {
        return writerSearches.lastMs();
    }

    @Override
    public long getMaxWriterSearchMs() {
        return writerSearches.maxMs();
    }

    @Override
    public long getDetections() {
        return detections.count();
    }

    @Override
    public long getLastDetectionMs() {
        return detections.lastMs();
    }

    @Override
    public long getMaxDetectionMs() {
        return detections.maxMs();
    }

    @Override
    public Map<String, String> getHostStates() {
        Map<String, String> m = new TreeMap<>();
        ClusterMonitor mon = monitor;
        if (mon != null) {
            mon.hostHealth().forEach((endpoint, h) -> m.put(endpoint, state(h)));
        }
        return m;
    }

    @Override
    public Map<String, Double> getHostRoundTripMs() {
        Map<String, Double> m = new TreeMap<>();
        ClusterMonitor mon = monitor;
        if (mon != null) {
            mon.hostHealth().forEach((endpoint, h) -> m.put(endpoint, h.averageLatencyNanos() < 0 ? -1.0 : h.averageLatencyNanos() / 1e6));
        }
        return m;
    }

    @Override
    public String[] getHostHealth() {
        ClusterMonitor mon = monitor;
        return mon == null ? new String[0] : mon.getHostHealth();
    }

    @Override
    public String toString() {
        return "ClusterMetrics[" + key + "]";
    }
}
