package dev.awsjca.testkit;

import java.time.Duration;
import java.time.Instant;

/**
 * One operation on a cluster, with when it started and when it was done. For a failover, {@code done}
 * is when the new writer accepted a write, so {@link #duration()} is the outage a client can see.
 *
 * @param operation start, stop, crash, failover, switchover, rejoin, blackhole, latency, cut, swallowReplies, heal
 * @param node      the node it acted on (the old writer for failover/switchover), or empty for the whole cluster
 * @param detail    what happened, for people (e.g. "node2 promoted")
 */
public record ClusterEvent(String operation, String node, Instant started, Instant done, String detail) {

    public Duration duration() {
        return Duration.between(started, done);
    }

    @Override
    public String toString() {
        return started + " " + operation + (node.isEmpty() ? "" : " " + node) + " (" + duration().toMillis() + " ms)"
                + (detail.isEmpty() ? "" : ": " + detail);
    }
}
