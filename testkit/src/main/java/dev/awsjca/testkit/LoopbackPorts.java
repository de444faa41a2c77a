package dev.awsjca.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks ports on loopback addresses. Other JVMs start clusters at the same time on this machine, so
 * there are no fixed ports: a random port is tried on every address a cluster needs, and another one
 * when any address has it taken. Ports come from below Linux's ephemeral range (32768+) so outgoing
 * connections never hold them.
 */
final class LoopbackPorts {

    private static final int LOW = 20000;
    private static final int HIGH = 32000;
    private static final int ATTEMPTS = 200;

    private LoopbackPorts() {
    }

    /** Listening sockets on the same port at each address (the same port everywhere keeps host patterns simple). */
    static List<ServerSocket> bindSamePort(List<String> addresses, int avoidPort) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = randomPort();
            if (port == avoidPort) {
                continue;
            }
            List<ServerSocket> bound = new ArrayList<>();
            try {
                for (String address : addresses) {
                    ServerSocket socket = new ServerSocket();
                    bound.add(socket);
                    socket.setReuseAddress(true);
                    socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 128);
                }
                return bound;
            } catch (IOException taken) {
                closeAll(bound);
            }
        }
        throw new TestkitException("no free port on " + addresses + " after " + ATTEMPTS + " attempts");
    }

    /** A port free right now at every address; the caller binds it soon after and retries on a conflict. */
    static int freeOnAll(List<String> addresses, int avoidPort) {
        List<ServerSocket> probe = bindSamePort(addresses, avoidPort);
        int port = probe.get(0).getLocalPort();
        closeAll(probe);
        return port;
    }

    static void closeAll(List<ServerSocket> sockets) {
        for (ServerSocket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // a probe socket: nothing to keep
            }
        }
    }

    private static int randomPort() {
        return ThreadLocalRandom.current().nextInt(LOW, HIGH);
    }
}
