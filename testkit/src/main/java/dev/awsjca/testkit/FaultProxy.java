package dev.awsjca.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of one node: the node's instance endpoint. Injects network faults without root
 * or kernel features: blackhole (hold traffic), latency, cut (reset connections) and swallowed replies.
 * One thread per direction per connection: test workloads have tens of connections, not thousands.
 */
final class FaultProxy implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FaultProxy.class.getName());

    private final String name;
    private final ServerSocket listener;
    private final InetSocketAddress server;
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final Object gate = new Object();
    private volatile Fault fault = Fault.NONE;
    private volatile int latencyMillis;
    private volatile boolean closed;

    FaultProxy(String name, ServerSocket listener, InetSocketAddress server) {
        this.name = name;
        this.listener = listener;
        this.server = server;
        Thread acceptor = new Thread(this::acceptLoop, "testkit-proxy-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                handle(listener.accept());
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, "proxy {0}: accept failed: {1}", name, e.getMessage());
                }
            }
        }
    }

    /** Takes over a client connection accepted here or by an endpoint that resolved to this node. */
    void handle(Socket client) {
        if (closed) {
            ProxyConnection.reset(client);
            return;
        }
        ProxyConnection connection = new ProxyConnection(this, client, name + "#" + connectionCount.incrementAndGet());
        connections.add(connection);
        connection.start();
    }

    InetSocketAddress server() {
        return server;
    }

    void forget(ProxyConnection connection) {
        connections.remove(connection);
    }

    Fault fault() {
        return fault;
    }

    int latencyMillis() {
        return latencyMillis;
    }

    boolean isClosed() {
        return closed;
    }

    /** Blocks while traffic is held; returns false when the proxy or the connection closed meanwhile. */
    boolean awaitTrafficFlows(java.util.function.BooleanSupplier connectionClosed) throws InterruptedException {
        synchronized (gate) {
            while (fault == Fault.BLACKHOLE && !closed && !connectionClosed.getAsBoolean()) {
                gate.wait();
            }
        }
        return !closed && !connectionClosed.getAsBoolean();
    }

    /** A connection closed: its threads waiting for traffic to flow can end now. */
    void connectionClosed() {
        synchronized (gate) {
            gate.notifyAll();
        }
    }

    void blackhole() {
        fault = Fault.BLACKHOLE;
    }

    void swallowReplies() {
        fault = Fault.SWALLOW_REPLIES;
    }

    void latency(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("latency must be >= 0 ms, was " + millis);
        }
        latencyMillis = millis;
    }

    /** Resets every open connection (RST to both client and server); new connections are accepted. */
    void cut() {
        for (ProxyConnection c : connections) {
            c.reset();
        }
    }

    /**
     * Back to normal. Held traffic is delivered. Connections that lost replies are reset: their protocol
     * stream is broken for good, as a real client would find out.
     */
    void heal() {
        Fault before = fault;
        latencyMillis = 0;
        synchronized (gate) {
            fault = Fault.NONE;
            gate.notifyAll();
        }
        if (before == Fault.SWALLOW_REPLIES) {
            for (ProxyConnection c : connections) {
                if (c.lostReplies()) {
                    c.reset();
                }
            }
        }
    }

    int openConnections() {
        return connections.size();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (gate) {
            gate.notifyAll();
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cut();
    }
}
