package dev.awsjca.topology;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Who is told when the cluster's topology changes: its connections, one listener each, so that their
 * count is the cluster's connections (JMX).
 */
final class TopologyListeners {

    // the monitor's logger: logging configurations name that category
    private static final System.Logger LOG = System.getLogger(ClusterMonitor.class.getName());

    private final Set<Consumer<Topology>> listeners = new CopyOnWriteArraySet<>();
    private final AtomicInteger connections = new AtomicInteger();

    void add(Consumer<Topology> listener) {
        listeners.add(listener);
        connections.incrementAndGet();
    }

    void remove(Consumer<Topology> listener) {
        if (listeners.remove(listener)) {
            connections.decrementAndGet();
        }
    }

    int connections() {
        return connections.get();
    }

    /** Tells each listener; one that fails does not keep the others from hearing of it. */
    void tell(Topology next) {
        for (Consumer<Topology> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a topology listener failed", e);
            }
        }
    }
}
