package dev.awsjca.plugins.failover;

import dev.awsjca.config.HostPattern;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.ClusterRegistry;
import dev.awsjca.topology.Dialect;
import dev.awsjca.topology.HostSpec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * How a connection's configuration names its cluster, so that every DataSource of one cluster shares one
 * monitor, and a new connection whose URL host does not answer can still find the cluster's monitor.
 */
final class ClusterKeys {

    private ClusterKeys() {
    }

    /** The instance host pattern identifies a cluster whose dialect discovers hosts; else the URL's hosts do. */
    static String key(Dialect dialect, HostPattern pattern, List<HostSpec> urlHosts) {
        return dialect.code() + "@" + (pattern != null ? pattern.toString()
                : urlHosts.stream().map(HostSpec::endpoint).sorted().collect(Collectors.joining(",")));
    }

    /**
     * The running monitor of the cluster this configuration names, or null. Found without a connection:
     * the dialect is the configured one, or each running monitor's own.
     */
    static ClusterMonitor running(ClusterRegistry registry, FailoverSettings settings, List<HostSpec> urlHosts) {
        for (ClusterMonitor m : registry.monitors()) {
            Dialect d = m.dialect();
            if (settings.dialect() != null && !settings.dialect().equals(d.code())) {
                continue;
            }
            if (key(d, settings.instancePattern(), urlHosts).equals(m.key()) && !m.isClosed()) {
                return m;
            }
        }
        return null;
    }
}
