package dev.awsjca.benchmarks.failover;

import dev.awsjca.benchmarks.timeline.Trace;
import dev.awsjca.timeline.Lane;
import dev.awsjca.timeline.Timeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The failover benchmark's timeline pictures: each pair of failovers (the adapter's, then pgjdbc's) as two
 * lanes on one axis of seconds from each one's crash, and the pair of each client's median failover, in
 * {@code benchmarks/target/bench-failover/}.
 */
final class FailoverPictures {

    /** What a picture shows before the crash and after the client's first write on the new writer. */
    static final long BEFORE_MS = 1_000;
    static final long AFTER_MS = 1_000;

    private FailoverPictures() {
    }

    static void draw(List<FailoverTimeBenchmark.Run> runs) throws IOException {
        Path dir = Trace.pictures("bench-failover");
        List<Path> written = new ArrayList<>();
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            FailoverTimeBenchmark.Run a = runs.get(i);
            FailoverTimeBenchmark.Run b = runs.get(i + 1);
            written.add(draw(dir.resolve(String.format("runs-%02d-%02d.png", a.number(), b.number())),
                    "Writes acknowledged through a writer crash: runs " + a.number() + " and " + b.number(), a, b));
        }
        FailoverTimeBenchmark.Run adapter = median(runs, "aws-wrapper");
        FailoverTimeBenchmark.Run pgjdbc = median(runs, "pgjdbc");
        Path median = null;
        if (adapter != null && pgjdbc != null) {
            median = draw(dir.resolve("median.png"), "Writes acknowledged through a writer crash: each client's median "
                    + "failover (runs " + adapter.number() + " and " + pgjdbc.number() + ")", adapter, pgjdbc);
        }
        System.out.printf("%ntimeline pictures (writes per 100 ms, the failover's steps, each failure): %d in %s%n",
                written.size(), dir);
        if (median != null) {
            System.out.println("each client's median failover: " + median);
        }
    }

    /** Both runs' lanes end at the same time after their crash: the later first write + {@link #AFTER_MS}. */
    private static Path draw(Path file, String title, FailoverTimeBenchmark.Run... runs) throws IOException {
        long span = 0;
        for (FailoverTimeBenchmark.Run r : runs) {
            long recovered = r.firstWrite() != null ? r.firstWrite().toEpochMilli() : r.traceEnd();
            span = Math.max(span, recovered - r.steps().started());
        }
        Timeline picture = new Timeline(title, "seconds from the crash (each run's own)");
        for (FailoverTimeBenchmark.Run r : runs) {
            long fault = r.steps().started();
            long end = Math.min(fault + span + AFTER_MS, r.traceEnd());
            String name = (r.client().equals("aws-wrapper") ? "adapter" : "pgjdbc") + ", run " + r.number();
            Lane lane = r.trace().lane(name, fault, fault - BEFORE_MS, end, r.oldWriter());
            lane.event(fault, "crash")
                    .event(r.steps().promoted(), "promoted")
                    .event(r.steps().writable(), "new writer takes writes")
                    .event(r.firstWrite() != null ? r.firstWrite().toEpochMilli() : 0, "first write on the new writer")
                    // last, so that the steps above keep the colours they have in the demo's and detection's pictures
                    .event(r.steps().crashed(), "old writer down");
            picture.lane(lane);
        }
        return picture.write(file);
    }

    /**
     * The client's run with the median outage (the lower one of an even count); a run with no recovery counts
     * as the longest.
     */
    private static FailoverTimeBenchmark.Run median(List<FailoverTimeBenchmark.Run> runs, String client) {
        List<FailoverTimeBenchmark.Run> mine = new ArrayList<>(
                runs.stream().filter(r -> r.client().equals(client)).toList());
        if (mine.isEmpty()) {
            return null;
        }
        mine.sort(Comparator.comparingDouble(r -> r.firstWrite() == null ? Double.MAX_VALUE
                : FailoverTimeBenchmark.Run.ms(r.fault(), r.firstWrite())));
        return mine.get((mine.size() - 1) / 2);
    }
}
