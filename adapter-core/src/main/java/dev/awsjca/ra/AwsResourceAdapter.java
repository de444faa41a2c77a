package dev.awsjca.ra;

import dev.awsjca.pipeline.AdapterThreads;
import dev.awsjca.topology.ClusterRegistry;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import javax.transaction.xa.XAResource;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adapter's lifecycle. It owns what its connections share (the cluster monitors with their threads
 * and probe connections, in its own {@link ClusterRegistry}) and, as a safety net, knows every managed
 * connection still open: {@link #stop()} closes all of it, so an undeploy or redeploy leaks nothing even
 * when the container did not destroy its pools first.
 */
public class AwsResourceAdapter implements ResourceAdapter {

    private static final System.Logger LOG = System.getLogger(AwsResourceAdapter.class.getName());

    private final Set<AwsManagedConnection> open = ConcurrentHashMap.newKeySet();
    private volatile ClusterRegistry clusters;
    private volatile boolean stopped;

    @Override
    public void start(BootstrapContext context) {
        stopped = false;
        clusters = new ClusterRegistry();
        connectDeferred();
    }

    /**
     * IronJacamar may prefill a pool (and WildFly's recovery ask for a connection) before it starts the
     * adapter: those connections were left unconnected. Connect them now, in the background (a database
     * that does not answer must not hold up the deployment); one that fails connects at its first use.
     */
    private void connectDeferred() {
        List<AwsManagedConnection> deferred = open.stream().filter(AwsManagedConnection::isDeferred).toList();
        if (deferred.isEmpty()) {
            return;
        }
        AdapterThreads.newThread(() -> {
            for (AwsManagedConnection mc : deferred) {
                try {
                    mc.connectDeferred();
                } catch (ResourceException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "a connection made before the adapter started connects at first use: {0}",
                            e.getMessage());
                }
            }
        }, "aws-jca-connect-deferred").start();
    }

    @Override
    public void stop() {
        stopped = true; // before the copy: a connection registered after it sees this (see opened())
        List<AwsManagedConnection> left = List.copyOf(open);
        if (!left.isEmpty()) {
            LOG.log(Level.DEBUG, "closing {0} connections the container left open", left.size());
        }
        for (AwsManagedConnection mc : left) {
            mc.destroyQuietly();
        }
        ClusterRegistry registry = clusters;
        clusters = null;
        if (registry != null) {
            registry.close();
        }
    }

    boolean isRunning() {
        return clusters != null;
    }

    /** The clusters of this adapter's connections; fails once stopped. */
    ClusterRegistry clusters() throws ResourceException {
        ClusterRegistry registry = clusters;
        if (registry == null) {
            throw new ResourceException("the AWS JCA resource adapter is not started (or already stopped)");
        }
        return registry;
    }

    /**
     * Registers a connection just made; false when the adapter stopped meanwhile, which stop() may not have
     * seen: the caller destroys it.
     */
    boolean opened(AwsManagedConnection mc) {
        open.add(mc);
        if (stopped) {
            open.remove(mc);
            return false;
        }
        return true;
    }

    void closed(AwsManagedConnection mc) {
        open.remove(mc);
    }

    /** Connections open now (for tests and diagnostics). */
    int openConnections() {
        return open.size();
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        throw new NotSupportedException("the AWS JCA resource adapter has no inbound (message) side");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        // nothing was activated
    }

    /** Recovery goes through the outbound connection definitions (recovery credentials), not through here. */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    // A ResourceAdapter JavaBean must declare these (the container checks); an adapter instance is only
    // ever equal to itself.
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
