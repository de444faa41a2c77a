package dev.awsjca.metrics;

import java.util.Map;

/**
 * What JMX shows of a connection definition: {@code dev.awsjca:type=ConnectionDefinition,name="<name>"}.
 * Counts since the adapter started (the JVM for the driver). No credentials, no SQL.
 */
public interface ConnectionDefinitionMXBean {

    String getName();

    /** jmx, otel or emf: where these metrics go besides JMX. */
    String getTelemetry();

    /** The cluster key of the definition's connections, empty before one joined a cluster. */
    String getCluster();

    long getFailoversSucceeded();

    long getFailoversFailed();

    /** Keys {@code <outcome>/<cause>}: {@code success/connection_lost}, {@code failed/writer_demoted}... */
    Map<String, Long> getFailoversByOutcomeAndCause();

    /** -1 before the first failover. */
    long getLastFailoverDurationMs();

    long getMaxFailoverDurationMs();

    double getMeanFailoverDurationMs();

    /** How many failovers took at most each bucket's bound. */
    Map<String, Long> getFailoverDurationHistogram();

    /** Per credentials plugin (iam, secretsManager): fetches that succeeded. */
    Map<String, Long> getCredentialFetches();

    /** Per credentials plugin: fetches that failed. */
    Map<String, Long> getCredentialFetchFailures();

    /** Per host role (writer, reader): statements and transactions routed there by read/write splitting. */
    Map<String, Long> getRouted();

    /** Connections of this definition open now, per host endpoint. */
    Map<String, Integer> getConnectionsByHost();

    int getConnections();

    /** Time to open the last new connection (through every plugin), -1 before the first. */
    long getLastConnectTimeMs();
}
