package dev.awsjca.plugins.failover;

import dev.awsjca.config.HostPattern;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.ClusterRegistry;
import dev.awsjca.topology.Dialect;
import dev.awsjca.topology.HostSpec;

import dev.awsjca.config.WrapperConfig;
import dev.awsjca.config.WrapperProperties;

import java.util.List;
import java.util.stream.Collectors;

/**
 * How a connection's configuration names its cluster, so that every DataSource of one cluster shares one
 * monitor, and a new connection whose URL host does not answer can still find the cluster's monitor.
 */
final class ClusterKeys {

    private ClusterKeys() {
    }

    /**
     * The instance host pattern identifies a cluster whose dialect discovers hosts; else the URL's hosts do.
     * The database and the user are part of it: a monitor probes as its connections log in, so connections
     * of another user (whose login may fail while this one's works) get a monitor of their own.
     */
    static String key(Dialect dialect, HostPattern pattern, List<HostSpec> urlHosts, WrapperConfig config) {
        return key(dialect, pattern, urlHosts) + "/" + config.database() + " as " + loginOf(config);
    }

    private static String key(Dialect dialect, HostPattern pattern, List<HostSpec> urlHosts) {
        return dialect.code() + "@" + (pattern != null ? pattern.toString()
                : urlHosts.stream().map(HostSpec::endpoint).sorted().collect(Collectors.joining(",")));
    }

    /** The user, or the secret that names it (secretsManager): never a password. */
    private static String loginOf(WrapperConfig config) {
        String secret = config.get(WrapperProperties.SECRET_ID);
        if (secret != null) {
            return "secret " + secret;
        }
        String user = config.driverProperties().getProperty("user");
        return user == null ? "(default user)" : user;
    }

    /**
     * The running monitor of the cluster this configuration names, or null. Found without a connection:
     * the dialect is the configured one, or each running monitor's own.
     */
    static ClusterMonitor running(ClusterRegistry registry, FailoverSettings settings, List<HostSpec> urlHosts,
                                  WrapperConfig config) {
        for (ClusterMonitor m : registry.monitors()) {
            Dialect d = m.dialect();
            if (settings.dialect() != null && !settings.dialect().equals(d.code())) {
                continue;
            }
            if (key(d, settings.instancePattern(), urlHosts, config).equals(m.key()) && !m.isClosed()) {
                return m;
            }
        }
        return null;
    }
}
