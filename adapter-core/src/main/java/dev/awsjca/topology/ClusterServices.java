package dev.awsjca.topology;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The services the cluster's connections share (e.g. the host monitors of the hostMonitoring plugin),
 * closed with the cluster's monitor so that their threads and connections end with the last user of
 * the cluster (and with the resource adapter's stop).
 */
final class ClusterServices {

    // the monitor's logger: logging configurations name that category
    private static final System.Logger LOG = System.getLogger(ClusterMonitor.class.getName());

    private final String key;
    private final BooleanSupplier monitorClosed;
    private final Map<String, AutoCloseable> services = new ConcurrentHashMap<>();

    ClusterServices(String key, BooleanSupplier monitorClosed) {
        this.key = key;
        this.monitorClosed = monitorClosed;
    }

    /** See {@link ClusterMonitor#service}. */
    <S extends AutoCloseable> S get(String name, Class<S> type, Supplier<S> factory) {
        if (monitorClosed.getAsBoolean()) {
            throw new IllegalStateException("cluster monitor " + key + " is closed");
        }
        AutoCloseable service = services.computeIfAbsent(name, k -> factory.get());
        if (monitorClosed.getAsBoolean() && services.remove(name, service)) {
            closeQuietly(service); // closeAll() ran meanwhile and may have missed it
            throw new IllegalStateException("cluster monitor " + key + " is closed");
        }
        return type.cast(service);
    }

    /** Once the monitor is closed: a service made after this is closed by {@link #get} itself. */
    void closeAll() {
        for (String name : List.copyOf(services.keySet())) {
            AutoCloseable service = services.remove(name);
            if (service != null) {
                closeQuietly(service);
            }
        }
    }

    private static void closeQuietly(AutoCloseable service) {
        try {
            service.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "a cluster service failed to close", e);
        }
    }
}
