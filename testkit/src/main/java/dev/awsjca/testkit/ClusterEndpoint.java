package dev.awsjca.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster endpoint (writer) or reader endpoint. On Aurora these are DNS names that follow the topology
 * some seconds late; here a listener on its own loopback address hands each new connection to the fault
 * proxy of the node it currently "resolves" to, and learns a topology change only after the configured
 * lag. Connections already open stay where they are, as with DNS.
 */
public final class ClusterEndpoint implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterEndpoint.class.getName());

    private final String kind;
    private final ServerSocket listener;
    private final Duration lag;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private volatile List<PgNode> targets;
    private volatile boolean closed;
    private boolean pinned; // guarded by this
    private List<PgNode> pending; // guarded by this: what a pinned endpoint follows once unpinned
    private final java.util.function.Function<PgNode, FaultProxy> proxies;

    ClusterEndpoint(String kind, ServerSocket listener, Duration lag, ScheduledExecutorService scheduler,
                    List<PgNode> initialTargets, java.util.function.Function<PgNode, FaultProxy> proxies) {
        this.kind = kind;
        this.listener = listener;
        this.lag = lag;
        this.scheduler = scheduler;
        this.targets = List.copyOf(initialTargets);
        this.proxies = proxies;
        Thread acceptor = new Thread(this::acceptLoop, "testkit-endpoint-" + kind);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code jdbc:postgresql://host:port/database}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** The nodes this endpoint resolves to right now (it may lag the real topology). */
    public List<PgNode> targets() {
        return targets;
    }

    /** Follow a new topology, {@code lag} from now, like a DNS record whose change takes time to be seen. */
    void follow(List<PgNode> newTargets) {
        List<PgNode> copy = List.copyOf(newTargets);
        if (lag.isZero()) {
            resolveTo(copy);
        } else {
            scheduler.schedule(() -> resolveTo(copy), lag.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void resolveTo(List<PgNode> newTargets) {
        if (pinned) {
            pending = newTargets;
        } else {
            targets = newTargets;
        }
    }

    /**
     * Keeps resolving to the current targets, whatever happens, until {@link #unpin}: a DNS record whose
     * change has not been seen yet, for as long as a test needs, however slow the machine.
     */
    public synchronized void pin() {
        pinned = true;
    }

    /** Follows the topology again, at once if it changed while pinned. */
    public synchronized void unpin() {
        pinned = false;
        if (pending != null) {
            targets = pending;
            pending = null;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, "endpoint {0}: accept failed: {1}", kind, e.getMessage());
                }
                continue;
            }
            List<PgNode> now = targets;
            if (now.isEmpty()) {
                ProxyConnection.reset(client); // resolves to nothing: connection refused
                continue;
            }
            PgNode target = now.get(Math.floorMod(roundRobin.getAndIncrement(), now.size()));
            proxies.apply(target).handle(client);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return kind + " endpoint " + host() + ":" + port();
    }
}
