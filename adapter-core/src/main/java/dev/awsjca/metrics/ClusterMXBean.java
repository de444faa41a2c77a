package dev.awsjca.metrics;

import java.util.Map;

/**
 * What JMX shows of a cluster while connections use it: {@code dev.awsjca:type=Cluster,name="<cluster key>"}.
 * The counts survive the cluster's monitor (they are the adapter's); the live view is the monitor's.
 */
public interface ClusterMXBean {

    String getClusterKey();

    String getDialect();

    /** The writer's endpoint, or empty while it is being looked for. */
    String getWriter();

    /** Each host as {@code endpoint (role) [instance id]}. */
    String[] getTopology();

    /** True while the writer is unknown and every node is polled fast. */
    boolean isSearchingForWriter();

    /** Connections of every definition that belong to the cluster now. */
    int getConnections();

    /** Failovers of the cluster's connections, every definition and outcome. */
    long getFailoverCount();

    long getLastFailoverDurationMs();

    /** {@code success}, {@code failed}, or empty before the first failover. */
    String getLastFailoverOutcome();

    /** Times the writer or the set of hosts changed. */
    long getTopologyChanges();

    /** Times the writer was lost and found again. */
    long getWriterSearches();

    /** From the writer reported lost to a new writer confirmed; -1 before the first. */
    long getLastWriterSearchMs();

    long getMaxWriterSearchMs();

    /** Times a host was declared down. */
    long getDetections();

    /** From a host's first failed or missed probe to it being declared down; -1 before the first. */
    long getLastDetectionMs();

    long getMaxDetectionMs();

    /** Per host endpoint: up, suspect or down. */
    Map<String, String> getHostStates();

    /** Per host endpoint: the probes' smoothed round trip in milliseconds (-1 before the first answer). */
    Map<String, Double> getHostRoundTripMs();

    /** Per host: state, last probe latency, consecutive failures (one line each). */
    String[] getHostHealth();
}
