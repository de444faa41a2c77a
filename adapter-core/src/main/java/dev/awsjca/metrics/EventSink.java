package dev.awsjca.metrics;

import dev.awsjca.topology.HostRole;
import dev.awsjca.topology.HostSpec;

/**
 * An output that wants events as they happen (OpenTelemetry's histograms and counters). JMX and EMF read
 * the recorded state instead. Durations in nanoseconds.
 */
interface EventSink extends AutoCloseable {

    EventSink NONE = new EventSink() {
    };

    default void failover(DefinitionMetrics definition, String cluster, long nanos, boolean success, FailoverCause cause) {
    }

    default void credentialFetch(DefinitionMetrics definition, String plugin, boolean success) {
    }

    default void routed(DefinitionMetrics definition, HostRole role) {
    }

    default void connectionCreated(DefinitionMetrics definition, long nanos) {
    }

    default void topologyChanged(ClusterMetrics cluster) {
    }

    default void writerFound(ClusterMetrics cluster, long nanos) {
    }

    default void hostDown(ClusterMetrics cluster, HostSpec host, long detectionNanos) {
    }

    @Override
    default void close() {
    }
}
