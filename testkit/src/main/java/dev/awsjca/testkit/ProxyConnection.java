package dev.awsjca.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/** One client connection through a {@link FaultProxy}: two pumps, client to server and server to client. */
final class ProxyConnection {

    private static final int CONNECT_TIMEOUT_MS = 5000;

    private final FaultProxy proxy;
    private final Socket client;
    private final String name;
    private final Socket server = new Socket();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean lostReplies;
    private volatile DelayLine replyDelay;
    private int pumpsRunning = 2;

    ProxyConnection(FaultProxy proxy, Socket client, String name) {
        this.proxy = proxy;
        this.client = client;
        this.name = name;
    }

    void start() {
        Thread opener = new Thread(this::open, "testkit-proxy-" + name);
        opener.setDaemon(true);
        opener.start();
    }

    private void open() {
        try {
            // a blackholed host does not answer a new connection either: connect only once traffic flows
            if (!proxy.awaitTrafficFlows(closed::get)) {
                reset();
                return;
            }
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(proxy.server(), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            reset(); // the server is down: the client sees a reset, as from a host whose port is closed
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reset();
            return;
        }
        Thread replies = new Thread(() -> pump(server, client, true), "testkit-proxy-" + name + "-replies");
        replies.setDaemon(true);
        replies.start();
        pump(client, server, false);
    }

    private void pump(Socket from, Socket to, boolean replies) {
        byte[] buffer = new byte[16384];
        DelayLine delayLine = null;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            if (replies) {
                delayLine = new DelayLine(out, () -> proxy.awaitTrafficFlows(closed::get), this::reset,
                        "testkit-proxy-" + name + "-latency");
                this.replyDelay = delayLine;
            }
            while (true) {
                int n = in.read(buffer);
                long readAt = System.nanoTime();
                if (n < 0) {
                    if (delayLine != null) {
                        delayLine.drain(); // delayed replies first, then the end of the stream
                    }
                    halfClose(to);
                    return;
                }
                if (!proxy.awaitTrafficFlows(closed::get)) {
                    reset();
                    return;
                }
                if (replies) {
                    if (proxy.fault() == Fault.SWALLOW_REPLIES) {
                        lostReplies = true;
                        continue;
                    }
                    // latency is added to replies only, so a round trip takes that much longer
                    int latency = proxy.latencyMillis();
                    if (latency > 0 || !delayLine.isIdle()) {
                        delayLine.send(readAt + latency * 1_000_000L, buffer, n);
                        continue;
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            reset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reset();
        } finally {
            if (delayLine != null) {
                delayLine.stop();
            }
            pumpDone();
        }
    }

    private static void halfClose(Socket to) {
        try {
            to.shutdownOutput();
        } catch (IOException ignored) {
            // the other side is gone already
        }
    }

    private synchronized void pumpDone() {
        pumpsRunning--;
        if (pumpsRunning == 0) {
            close();
        }
    }

    boolean lostReplies() {
        return lostReplies;
    }

    private void close() {
        if (closed.compareAndSet(false, true)) {
            quietClose(client);
            quietClose(server);
            proxy.forget(this);
        }
    }

    /** Ends both sides with RST rather than FIN: what a client sees when a connection is cut. */
    void reset() {
        DelayLine delay = replyDelay;
        if (delay != null) {
            delay.stop();
        }
        if (closed.compareAndSet(false, true)) {
            reset(client);
            reset(server);
            proxy.forget(this);
            proxy.connectionClosed();
        }
    }

    static void reset(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException ignored) {
            // not connected: a plain close does
        }
        quietClose(socket);
    }

    private static void quietClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
