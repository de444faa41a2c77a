package dev.awsjca.topology;

import java.sql.SQLException;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The cluster's open connections, through which the monitor connects (its probes, the host monitors):
 * the newest that joined is used, so a password rotated or a connection closed is never held here. A
 * monitor made with a connector of its own (tests) connects with that instead.
 */
final class ClusterMembers {

    private record Member(Object owner, ClusterMonitor.MemberConnector connector) {
    }

    private final String key;
    private final HostConnector connector; // null: through the members
    private final Deque<Member> members = new ConcurrentLinkedDeque<>();

    ClusterMembers(String key, HostConnector connector) {
        this.key = key;
        this.connector = connector;
    }

    /**
     * The newest member from now on. Returns true when there was none and the monitor connects through
     * its members: it did not probe meanwhile.
     */
    boolean add(Object owner, ClusterMonitor.MemberConnector memberConnector) {
        boolean idle;
        synchronized (members) {
            members.removeIf(m -> m.owner() == owner);
            idle = members.isEmpty();
            members.addFirst(new Member(owner, memberConnector));
        }
        return idle && connector == null;
    }

    void remove(Object owner) {
        members.removeIf(m -> m.owner() == owner);
    }

    /** Whether there is a way to connect now; none while the monitor lingers after its last user. */
    boolean canConnect() {
        return connector != null || !members.isEmpty();
    }

    /** Connects through the newest member at the time of each connect; 08003 when there is none. */
    HostConnector connector(Map<String, String> driverProperties) {
        return host -> {
            if (connector != null) {
                return connector.connect(host);
            }
            Member m = members.peekFirst();
            if (m == null) {
                throw new SQLException("no connection of cluster " + key + " is open to connect through", "08003");
            }
            return m.connector().connect(host, driverProperties);
        };
    }
}
