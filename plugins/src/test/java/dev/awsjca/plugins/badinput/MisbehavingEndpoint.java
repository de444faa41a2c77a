package dev.awsjca.plugins.badinput;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP endpoint on 127.0.0.1 that fails the way a wrong or broken one does: nothing listening (connections
 * refused), a listener that accepts and never answers, or one that answers what no AWS service would.
 */
final class MisbehavingEndpoint implements AutoCloseable {

    /** 127.0.0.1 itself (getLoopbackAddress may be ::1), the address uri() names. */
    private static final InetAddress LOOPBACK = loopback();

    private final ServerSocket listener;
    private final int port;
    private final byte[] answer;
    /** False: the answer is written as soon as a connection is accepted (a client that speaks first gets it too). */
    private final boolean readsRequest;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    private MisbehavingEndpoint(ServerSocket listener, int port, byte[] answer, boolean readsRequest) {
        this.listener = listener;
        this.port = port;
        this.answer = answer;
        this.readsRequest = readsRequest;
        if (listener != null) {
            Thread t = new Thread(this::acceptForever, "misbehaving-endpoint-" + port);
            t.setDaemon(true);
            t.start();
        }
    }

    /** A port that was free a moment ago and has no listener now: every connection is refused at once. */
    static MisbehavingEndpoint refusing() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        return new MisbehavingEndpoint(null, port, null, false);
    }

    /** Accepts every connection and never reads or writes a byte: only the client's own timeouts end it. */
    static MisbehavingEndpoint hanging() throws IOException {
        return new MisbehavingEndpoint(new ServerSocket(0, 50, LOOPBACK), 0, null, false);
    }

    /** Reads each HTTP request, then writes these bytes as the whole answer and closes the connection. */
    static MisbehavingEndpoint answering(String rawAnswer) throws IOException {
        return new MisbehavingEndpoint(new ServerSocket(0, 50, LOOPBACK), 0, rawAnswer.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    /** Writes these bytes as soon as a connection is accepted, whatever the client sends, and closes it. */
    static MisbehavingEndpoint greeting(String rawGreeting) throws IOException {
        return new MisbehavingEndpoint(new ServerSocket(0, 50, LOOPBACK), 0, rawGreeting.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    /** An HTTP answer with this status line, content type and body. */
    static MisbehavingEndpoint answeringHttp(String status, String contentType, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return answering("HTTP/1.1 " + status + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + b.length
                + "\r\nConnection: close\r\n\r\n" + new String(b, StandardCharsets.ISO_8859_1));
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + (listener != null ? listener.getLocalPort() : port));
    }

    /** False for a refusing endpoint: nothing listens. */
    boolean listens() {
        return listener != null;
    }

    /** Connections accepted so far (a refusing endpoint accepts none). */
    int connections() {
        return connections.get();
    }

    private void acceptForever() {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException closed) {
                return;
            }
            connections.incrementAndGet();
            if (answer == null) {
                held.add(s); // hangs: kept open, never read, until close()
                continue;
            }
            Thread t = new Thread(() -> answer(s), "misbehaving-endpoint-answer");
            t.setDaemon(true);
            t.start();
        }
    }

    private void answer(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            if (readsRequest) {
                in.readNBytes(contentLength(readHead(in)));
            }
            out.write(answer);
            out.flush();
        } catch (IOException e) {
            // the client gave up first: nothing to answer
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
            head.append((char) c);
        }
        return head.toString();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        if (listener != null) {
            listener.close();
        }
        for (Socket s : held) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return "MisbehavingEndpoint[" + uri() + "]";
    }
}
