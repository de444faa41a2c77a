package dev.awsjca.plugins.hostmonitoring;

import dev.awsjca.pipeline.AdapterThreads;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostConnector;
import dev.awsjca.topology.HostSpec;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host monitors of one cluster, a service of its {@link ClusterMonitor}: one {@link HostMonitor} per
 * host that has connections of this plugin, one scheduler thread for all their ticks, and probe threads
 * (at most one probe per host is out, so they are bounded by the number of hosts). A host's monitor stops
 * with its last connection; everything stops when the cluster monitor closes (its last user left, or the
 * resource adapter stopped).
 */
final class HostMonitors implements AutoCloseable {

    /** Shown in pg_stat_activity for the probe connections. */
    static final String APPLICATION_NAME = "aws-advanced-jca host monitor";
    /** Every thread of this service has a name starting so. */
    static final String THREAD_NAME = "aws-jca-host-monitor";
    // a safety net only: probes are one per host, so this is reached only with more hosts than this
    private static final int MAX_PROBE_THREADS = 64;

    private final ClusterMonitor cluster;
    private final MonitoringSettings settings;
    private final HostConnector connector;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor probeThreads;
    private final Executor aborter;
    private final Map<String, HostMonitor> monitors = new HashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    /** {@code connector} connects through the cluster's open connections: the service keeps no credentials. */
    HostMonitors(ClusterMonitor cluster, MonitoringSettings settings, HostConnector connector) {
        this.cluster = cluster;
        this.settings = settings;
        this.connector = connector;
        this.scheduler = new ScheduledThreadPoolExecutor(1, named(THREAD_NAME + " " + cluster.key(), null));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.probeThreads = new ThreadPoolExecutor(0, MAX_PROBE_THREADS, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                named(THREAD_NAME + "-probe-", " " + cluster.key()));
        // aborting closes a socket: quick, but never on the scheduler, whose ticks must keep their beat
        this.aborter = task -> {
            try {
                probeThreads.execute(task);
            } catch (RejectedExecutionException full) {
                task.run();
            }
        };
    }

    private static ThreadFactory named(String prefix, String suffix) {
        AtomicInteger n = new AtomicInteger();
        // never the application's class loader: threads are made on whatever thread needs one
        return r -> AdapterThreads.newThread(r, suffix == null ? prefix : prefix + n.incrementAndGet() + suffix);
    }

    /** Registers a physical connection with its host's monitor (started on first use); null once closed. */
    synchronized WatchedConnection watch(HostSpec host, Connection connection) {
        if (closed) {
            return null;
        }
        HostMonitor monitor = monitors.get(host.endpoint());
        if (monitor == null) {
            monitor = new HostMonitor(host, settings, cluster.health(host), new ProbeConnection(host, connector, aborter),
                    probeThreads, aborter, cluster::declareDead, cluster::suspect, this);
            long interval = settings.intervalMs();
            monitor.ticking(scheduler.scheduleWithFixedDelay(monitor::tick, interval, interval, TimeUnit.MILLISECONDS));
            monitors.put(host.endpoint(), monitor);
            monitor.warmUp();
        }
        return monitor.add(connection);
    }

    /** A connection left its host's monitor; the last one stops it. */
    void removed(HostMonitor monitor, WatchedConnection w) {
        boolean stop;
        synchronized (this) {
            stop = monitor.forget(w) && monitors.remove(monitor.host().endpoint(), monitor);
        }
        if (stop) {
            monitor.stop();
        }
    }

    /** The hosts being monitored now (for tests and diagnostics). */
    synchronized List<String> monitoredHosts() {
        return new ArrayList<>(monitors.keySet());
    }

    @Override
    public void close() {
        List<HostMonitor> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(monitors.values());
            monitors.clear();
        }
        all.forEach(HostMonitor::stop);
        scheduler.shutdownNow();
        probeThreads.shutdown(); // lets the aborts of the probe connections run
        try {
            // closing runs in the application's Connection.close(): wait only briefly. A probe stuck in a
            // login has no connection to abort yet; its socket timeout (a few seconds) ends its thread.
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
            probeThreads.awaitTermination(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "HostMonitors[" + cluster.key() + ", " + settings.serviceName() + "]";
    }
}
