package dev.awsjca.topology;

import dev.awsjca.config.HostPattern;

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
}
