package dev.awsjca.benchmarks.timeline;

import dev.awsjca.testkit.ClusterEvent;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of a testkit failover, in epoch ms, as the testkit took them while they happened (not when
 * {@code failover()} returned, which is after the replicas follow the new writer).
 *
 * @param started  the call: the crash begins
 * @param crashed  the old writer's processes are gone
 * @param promoted the replica was promoted
 * @param writable the new writer committed its first write
 */
public record Milestones(long started, long crashed, long promoted, long writable) {

    /** "node2 (instance 12) promoted; crash 12 ms, promoted 73 ms, first write 99 ms": ms after the start. */
    public static Milestones of(ClusterEvent failover) {
        long t0 = failover.started().toEpochMilli();
        return new Milestones(t0, t0 + step(failover, "crash"), t0 + step(failover, "promoted"),
                t0 + step(failover, "first write"));
    }

    private static long step(ClusterEvent failover, String step) {
        Matcher m = Pattern.compile(step + " (\\d+) ms").matcher(failover.detail());
        if (!m.find()) {
            throw new IllegalStateException("the failover event has no '" + step + "' milestone: " + failover);
        }
        return Long.parseLong(m.group(1));
    }
}
