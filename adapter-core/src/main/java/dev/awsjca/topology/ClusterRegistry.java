package dev.awsjca.topology;

import dev.awsjca.metrics.MetricsRegistry;
import dev.awsjca.pipeline.AdapterThreads;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The clusters in use and their monitors, shared by every connection to the same cluster. A monitor
 * lives while some connection holds it, and {@link ClusterMonitor#disposalMs()} longer: a pool or a
 * DriverManager user that closes its last connection and opens the next finds the monitor warm, and a
 * close never waits for monitor threads to stop (that happens in the background). Outside a server one
 * registry serves the JVM ({@link #shared()}); the resource adapter owns its own and closes it on stop,
 * which stops every monitor at once.
 */
public final class ClusterRegistry implements AutoCloseable {

    private static final ClusterRegistry SHARED = new ClusterRegistry();

    private final Map<String, Entry> clusters = new HashMap<>();
    private final MetricsRegistry metrics = new MetricsRegistry();
    private boolean closed;
    private ScheduledThreadPoolExecutor disposer; // made on first use, guarded by this

    private static final class Entry {
        final ClusterMonitor monitor;
        int users;
        ScheduledFuture<?> disposal;

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
        if (e.disposal != null) {
            e.disposal.cancel(false); // back in use while it lingered
            e.disposal = null;
        }
        return e.monitor;
    }

    /**
     * One user less. After the last one the monitor lingers for its disposal time, then stops (its
     * threads and connections) on the registry's own thread: this call never waits for it.
     */
    public void release(ClusterMonitor monitor) {
        synchronized (this) {
            Entry e = clusters.get(monitor.key());
            if (e == null || e.monitor != monitor || --e.users > 0) {
                return;
            }
            e.disposal = disposer().schedule(() -> dispose(e), monitor.disposalMs(), TimeUnit.MILLISECONDS);
        }
    }

    private void dispose(Entry e) {
        synchronized (this) {
            if (e.users > 0 || clusters.get(e.monitor.key()) != e) {
                return; // acquired again meanwhile
            }
            clusters.remove(e.monitor.key());
        }
        e.monitor.close();
        metrics.detach(e.monitor);
    }

    private ScheduledThreadPoolExecutor disposer() {
        if (disposer == null) {
            // the adapter's own class loader, never the application thread's that happened to close last
            disposer = new ScheduledThreadPoolExecutor(1, r -> AdapterThreads.newThread(r, "aws-jca-monitor-disposal"));
            disposer.setKeepAliveTime(10, TimeUnit.SECONDS);
            disposer.allowCoreThreadTimeOut(true);
            disposer.setRemoveOnCancelPolicy(true);
        }
        return disposer;
    }

    /** The monitors running now (lingering ones included), for JMX and tests. */
    public synchronized List<ClusterMonitor> monitors() {
        List<ClusterMonitor> all = new ArrayList<>();
        clusters.values().forEach(e -> all.add(e.monitor));
        return all;
    }

    /** Stops every monitor now (the resource adapter's stop). Further acquires fail. */
    @Override
    public void close() {
        List<ClusterMonitor> all;
        ScheduledThreadPoolExecutor d;
        synchronized (this) {
            closed = this != SHARED;
            all = monitors();
            clusters.clear();
            d = disposer;
            disposer = null;
        }
        if (d != null) {
            d.shutdownNow();
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
