package dev.awsjca.testkit.aws.iam;

import java.util.Locale;
import java.util.Objects;

/**
 * A host and port an RDS IAM token is signed for: the address the client connects to (an instance,
 * cluster or reader endpoint, or a proxy in front of one), not necessarily where the server listens.
 * Host names compare case-insensitively, as DNS names do.
 */
public record RdsEndpoint(String host, int port) {

    public RdsEndpoint {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    public static RdsEndpoint of(String host, int port) {
        return new RdsEndpoint(host, port);
    }

    /** Parses {@code host:port} (an IPv6 host in brackets). */
    public static RdsEndpoint parse(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostAndPort.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + hostAndPort + "'");
        }
        try {
            return new RdsEndpoint(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port with a numeric port, got '" + hostAndPort + "'");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
