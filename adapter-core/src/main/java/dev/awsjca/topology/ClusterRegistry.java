package dev.awsjca.topology;

import dev.awsjca.metrics.MetricsRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The clusters in use and their monitors, shared by every connection to the same cluster. A monitor
 * lives while some connection holds it. Outside a server one registry serves the JVM ({@link #shared()});
 * the resource adapter owns its own and closes it on stop.
 */
public final class ClusterRegistry implements AutoCloseable {

    private static final ClusterRegistry SHARED = new ClusterRegistry();

    private final Map<String, Entry> clusters = new HashMap<>();
    private final MetricsRegistry metrics = new MetricsRegistry();
    private boolean closed;

    private static final class Entry {
        final ClusterMonitor monitor;
        int users;

        Entry(ClusterMonitor monitor) {
            this.monitor = monitor;
        }
    }

    /** The registry of plain Java use (the Driver, the DataSource). */
    public static ClusterRegistry shared() {
        return SHARED;
    }

    /** The monitor of the cluster, made and started on first use; every acquire needs a {@link #release}. */
    public synchronized ClusterMonitor acquire(String key, Supplier<ClusterMonitor> factory) {
        if (closed) {
            throw new IllegalStateException("the adapter is stopped: no new connections");
        }
        Entry e = clusters.get(key);
        if (e == null) {
            e = new Entry(factory.get());
            clusters.put(key, e);
            metrics.attach(e.monitor);
            e.monitor.start();
        }
        e.users++;
        return e.monitor;
    }

    /** One user less; the last one stops the monitor, its threads and its connections. */
    public void release(ClusterMonitor monitor) {
        ClusterMonitor toClose = null;
        synchronized (this) {
            Entry e = clusters.get(monitor.key());
            if (e != null && e.monitor == monitor && --e.users == 0) {
                clusters.remove(monitor.key());
                toClose = monitor;
            }
        }
        if (toClose != null) {
            toClose.close();
            metrics.detach(toClose);
        }
    }

    /** The monitors running now, for JMX and tests. */
    public synchronized List<ClusterMonitor> monitors() {
        List<ClusterMonitor> all = new ArrayList<>();
        clusters.values().forEach(e -> all.add(e.monitor));
        return all;
    }

    /** Stops every monitor (the resource adapter's stop). Further acquires fail. */
    @Override
    public void close() {
        List<ClusterMonitor> all;
        synchronized (this) {
            closed = this != SHARED;
            all = monitors();
            clusters.clear();
        }
        for (ClusterMonitor m : all) {
            m.close();
            metrics.detach(m);
        }
        if (this != SHARED) {
            metrics.close();
        }
    }

    /** The metrics of this registry's connections and clusters (JMX and the configured outputs). */
    public MetricsRegistry metrics() {
        return metrics;
    }
}
