package dev.awsjca.topology;

/**
 * A host the adapter connects to: its endpoint, the role it is known to have, and its instance id when
 * the topology knows it (Aurora's instance identifier).
 */
public record HostSpec(String host, int port, HostRole role, String instanceId) {

    public HostSpec {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("a host needs a name or address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " of host " + host + " is not between 1 and 65535");
        }
        role = role == null ? HostRole.UNKNOWN : role;
    }

    public static HostSpec of(String host, int port) {
        return new HostSpec(host, port, HostRole.UNKNOWN, null);
    }

    public HostSpec withRole(HostRole newRole) {
        return new HostSpec(host, port, newRole, instanceId);
    }

    /** {@code host:port}, with brackets around IPv6 addresses: the form a JDBC URL takes. */
    public String endpoint() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return endpoint() + (role == HostRole.UNKNOWN ? "" : " (" + role.name().toLowerCase() + ")")
                + (instanceId == null ? "" : " [" + instanceId + "]");
    }
}
