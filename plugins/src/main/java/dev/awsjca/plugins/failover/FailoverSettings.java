package dev.awsjca.plugins.failover;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.HostPattern;
import dev.awsjca.config.WrapperConfig;
import dev.awsjca.config.WrapperProperties;
import dev.awsjca.topology.HostSpec;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The failover plugin's view of the configuration, read once per connection. */
record FailoverSettings(long timeoutMs, FailoverMode mode, long topologyRefreshMs, HostPattern instancePattern,
                        String dialect, long monitorDisposalMs) {

    // instance, cluster, reader and custom endpoints of RDS share the part after the first label
    private static final Pattern RDS_HOST = Pattern.compile(
            "[^.]+\\.(?:cluster-(?:ro-|custom-)?)?([a-z0-9]+\\.[a-z0-9-]+\\.rds\\.amazonaws\\.com(?:\\.cn)?)",
            Pattern.CASE_INSENSITIVE);

    static FailoverSettings from(WrapperConfig config) {
        String mode = config.failoverMode();
        HostSpec first = config.hosts().get(0);
        HostPattern pattern = config.get(WrapperProperties.CLUSTER_INSTANCE_HOST_PATTERN);
        if (pattern == null) {
            Matcher m = RDS_HOST.matcher(first.host());
            if (m.matches()) {
                pattern = new HostPattern("?." + m.group(1), HostPattern.URL_PORT);
            }
        }
        return new FailoverSettings(config.get(WrapperProperties.FAILOVER_TIMEOUT_MS), FailoverMode.of(mode),
                config.get(WrapperProperties.CLUSTER_TOPOLOGY_REFRESH_MS), pattern, config.get(WrapperProperties.DIALECT),
                config.get(WrapperProperties.MONITOR_DISPOSAL_TIME_MS));
    }

    /** Aurora names instances by id only: without a pattern their endpoints are unknown. */
    HostPattern requirePattern(String dialectCode) {
        if (instancePattern == null) {
            throw new ConfigurationException(WrapperProperties.CLUSTER_INSTANCE_HOST_PATTERN.name(),
                    "Property 'clusterInstanceHostPattern' is required with the " + dialectCode + " dialect when the URL's host"
                            + " is not an RDS endpoint: expected e.g. ?.cluster-xyz.us-east-1.rds.amazonaws.com");
        }
        return instancePattern;
    }
}
