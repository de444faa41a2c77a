package dev.awsjca.wildflyapp;

import dev.awsjca.timeline.Lane;
import dev.awsjca.timeline.Timeline;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's timeline picture (drawn by the shared {@link Timeline}): commits per 100 ms by node, the crash,
 * the promotion, the first write the new writer took, the first commit the application got from it, and each
 * failed attempt as a mark by stage and kind. Times are in seconds from the crash (from the start when there
 * was none).
 */
final class DemoTimeline {

    /** What the testkit reported of the failover, in epoch ms (0: unknown), and the writer before it. */
    record Events(long crashAt, long promotedAt, long writableAt, String oldWriter) {
    }

    private DemoTimeline() {
    }

    /** The first commit at or after the crash on a node other than the old writer, or 0. */
    static long firstCommitOnNewWriter(Map<String, ? extends Collection<Long>> commitsByNode, Events e) {
        long first = Long.MAX_VALUE;
        for (Map.Entry<String, ? extends Collection<Long>> n : commitsByNode.entrySet()) {
            if (n.getKey().equals(e.oldWriter())) {
                continue;
            }
            for (long t : n.getValue()) {
                if (t >= e.crashAt() && t < first) {
                    first = t;
                }
            }
        }
        return first == Long.MAX_VALUE ? 0 : first;
    }

    static byte[] png(Map<String, ? extends Collection<Long>> commitsByNode, List<OrdersWorkload.Failure> failures,
                      long start, long end, Events e) throws IOException {
        Lane lane = new Lane("", "commits", e.crashAt() > 0 ? e.crashAt() : start, start, end);
        // by node in order, so that each node keeps its colour from one run to the next
        for (Map.Entry<String, ? extends Collection<Long>> n : new TreeMap<>(commitsByNode).entrySet()) {
            String series = "commits on instance " + n.getKey() + (n.getKey().equals(e.oldWriter()) ? " (old writer)" : "");
            n.getValue().forEach(t -> lane.success(t, series));
        }
        failures.forEach(f -> lane.failure(f.at(), f.stage() + " " + f.kind()));
        lane.event(e.crashAt(), "crash")
                .event(e.promotedAt(), "promoted")
                .event(e.writableAt(), "new writer takes writes")
                .event(firstCommitOnNewWriter(commitsByNode, e), "first commit on the new writer");
        return new Timeline("What the application committed, 100 ms at a time, through a writer crash",
                e.crashAt() > 0 ? "seconds from the crash" : "seconds from the start")
                .lane(lane).png(Timeline.WIDTH, Timeline.HEIGHT);
    }
}
