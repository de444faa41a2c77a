package dev.awsjca.topology;

import dev.awsjca.config.HostPattern;

import java.util.ArrayList;
import java.util.List;

/**
 * What a dialect needs to turn instance ids into endpoints: the instance host pattern (may be null when
 * the dialect reports endpoints itself) and the URL's hosts and port.
 */
public record TopologyEndpoints(HostPattern instancePattern, List<HostSpec> urlHosts) {

    public TopologyEndpoints {
        urlHosts = List.copyOf(urlHosts);
    }

    /** The instance endpoint of an instance id, or null when no pattern is known. */
    public HostSpec instance(String instanceId, HostRole role) {
        if (instancePattern == null) {
            return null;
        }
        return new HostSpec(instancePattern.hostFor(instanceId), instancePattern.portOr(urlHosts.get(0).port()), role, instanceId);
    }

    /**
     * A self-managed cluster's topology, which no node reports: the URL's hosts, {@code node} the writer
     * if it said it takes writes, every other a reader.
     */
    List<HostSpec> selfManagedTopology(HostSpec node, boolean isWriter) {
        List<HostSpec> hosts = new ArrayList<>();
        for (HostSpec h : urlHosts) {
            boolean theWriter = isWriter && h.endpoint().equals(node.endpoint());
            hosts.add(h.withRole(theWriter ? HostRole.WRITER : HostRole.READER));
        }
        return hosts;
    }
}
