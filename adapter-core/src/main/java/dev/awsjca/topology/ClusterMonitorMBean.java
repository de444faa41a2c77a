package dev.awsjca.topology;

/** What JMX shows of a cluster: {@code dev.awsjca:type=Cluster,name=<cluster key>}. No credentials. */
public interface ClusterMonitorMBean {

    String getClusterKey();

    String getDialect();

    /** The writer's endpoint, or empty while it is being looked for. */
    String getWriter();

    /** Each host as {@code endpoint (role) [instance id]}. */
    String[] getTopology();

    /** True while the writer is unknown and every node is polled fast. */
    boolean isSearchingForWriter();

    long getFailoverCount();

    long getLastFailoverDurationMs();

    /** {@code success}, {@code failed}, or empty before the first failover. */
    String getLastFailoverOutcome();

    /** Per host: state, last probe latency, consecutive failures. */
    String[] getHostHealth();

    int getConnections();
}
