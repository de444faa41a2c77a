package dev.awsjca.topology;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which nodes a round of the monitor's probes asks. While the writer is known and the dialect discovers
 * hosts, only the writer: it knows the whole topology. Otherwise every node of the last topology (the
 * URL's hosts when none is known, or when the dialect discovers none); and while the writer is searched
 * for, also every node seen before and every node a replica named.
 */
final class ProbeTargets {

    // the monitor's logger: logging configurations name that category
    private static final System.Logger LOG = System.getLogger(ClusterMonitor.class.getName());

    private final String key;
    private final Dialect dialect;
    private final TopologyEndpoints endpoints;
    // hosts a replica named during a search that the last topology lacked (a node that joined after the
    // last refresh, possibly the new writer): probed too until the writer is found
    private final Map<String, HostSpec> namedByReplicas = new ConcurrentHashMap<>();
    // every host any topology held: a node that left it (crashed) and came back since the last refresh is
    // often the next one promoted, and the search asks it directly instead of waiting for a replica's hint
    private final Map<String, HostSpec> everSeen = new ConcurrentHashMap<>();

    ProbeTargets(String key, Dialect dialect, TopologyEndpoints endpoints) {
        this.key = key;
        this.dialect = dialect;
        this.endpoints = endpoints;
    }

    List<HostSpec> forRound(Topology current, boolean searching) {
        List<HostSpec> targets = new ArrayList<>();
        if (!searching && dialect.discoversHosts() && current.writer().isPresent()) {
            targets.add(current.writer().get()); // the writer knows the whole topology
        } else {
            Map<String, HostSpec> all = new LinkedHashMap<>();
            current.hosts().forEach(h -> all.put(h.endpoint(), h));
            if (searching) {
                everSeen.values().forEach(h -> all.putIfAbsent(h.endpoint(), h));
                namedByReplicas.values().forEach(h -> all.putIfAbsent(h.endpoint(), h));
            }
            if (!dialect.discoversHosts() || all.isEmpty()) {
                endpoints.urlHosts().forEach(h -> all.putIfAbsent(h.endpoint(), h));
            }
            targets.addAll(all.values());
        }
        return targets;
    }

    /** The hosts of a topology about to be recorded: asked by every later search. */
    void remember(List<HostSpec> hosts) {
        hosts.forEach(h -> everSeen.put(h.endpoint(), h.withRole(HostRole.UNKNOWN)));
    }

    /**
     * While searching, a replica's view of the cluster may hold a node the last topology lacked (one that
     * rejoined after the last refresh and was then promoted): without this, the search would never ask
     * it, and every failover would wait out failoverTimeoutMs. What the replica says is only a hint: the
     * node counts as the writer once its own probe says so.
     */
    void learnFrom(Topology current, List<HostSpec> seenByReplica) {
        for (HostSpec h : seenByReplica) {
            if (current.hosts().stream().noneMatch(k -> k.endpoint().equals(h.endpoint()))
                    && namedByReplicas.putIfAbsent(h.endpoint(), h.withRole(HostRole.UNKNOWN)) == null) {
                LOG.log(Level.INFO, "cluster {0}: a replica names {1}, not in the last topology: probing it too", key, h.endpoint());
            }
        }
    }

    /** The writer was found: its topology holds the nodes the replicas named. */
    void forgetHints() {
        namedByReplicas.clear();
    }
}
