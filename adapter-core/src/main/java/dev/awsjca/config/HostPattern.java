package dev.awsjca.config;

/**
 * Where an instance is reached, from its id: {@code ?.cluster-xyz.us-east-1.rds.amazonaws.com} or
 * {@code 127.0.0.?:5432}. Without a port the URL's port is used.
 */
public record HostPattern(String host, int port) {

    static final String EXPECTED = "a host name with one '?' for the instance id and an optional :port,"
            + " e.g. ?.cluster-xyz.us-east-1.rds.amazonaws.com";

    /** No port in the pattern: the URL's port is used. */
    public static final int URL_PORT = -1;

    static HostPattern parse(String text) {
        String host = text;
        int port = URL_PORT;
        int colon = text.lastIndexOf(':');
        if (colon >= 0) {
            host = text.substring(0, colon);
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (port < 1 || port > 65535) {
                return null;
            }
        }
        if (host.indexOf('?') < 0 || host.indexOf('?') != host.lastIndexOf('?') || host.contains("/")
                || host.contains(":") || host.chars().anyMatch(Character::isWhitespace)) {
            return null;
        }
        return new HostPattern(host, port);
    }

    /** The instance endpoint's host name for an instance id. */
    public String hostFor(String instanceId) {
        return host.replace("?", instanceId);
    }

    /** The port to use, given the URL's. */
    public int portOr(int urlPort) {
        return port == URL_PORT ? urlPort : port;
    }

    @Override
    public String toString() {
        return port == URL_PORT ? host : host + ":" + port;
    }
}
