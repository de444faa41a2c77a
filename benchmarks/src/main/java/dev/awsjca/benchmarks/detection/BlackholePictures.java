package dev.awsjca.benchmarks.detection;

import dev.awsjca.benchmarks.timeline.Milestones;
import dev.awsjca.benchmarks.timeline.Trace;
import dev.awsjca.timeline.Lane;
import dev.awsjca.timeline.Timeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The blackhole scenario's timeline pictures, one per run in {@code benchmarks/target/detection/}: the wrapper
 * and pgjdbc as two lanes through the same fault, in seconds from the blackhole.
 */
final class BlackholePictures {

    /** What a picture shows before the blackhole and after the later client's first write on the new writer. */
    static final long BEFORE_MS = 2_000;
    static final long AFTER_MS = 1_000;

    /**
     * One run: when the writer was blackholed, the failover's steps, the old and the new writer, and what each
     * client did (lane name, trace from {@link #BEFORE_MS} before the blackhole to {@code traceEnd}).
     */
    record Run(int number, long blackhole, Milestones steps, String oldWriter, String newWriter,
               List<String> clients, List<Trace> traces, long traceEnd) {
    }

    private final List<Run> runs = new ArrayList<>();

    void add(Run run) {
        runs.add(run);
    }

    /** Writes each run's picture and prints where they are. */
    void draw() throws IOException {
        Path dir = Trace.pictures("detection");
        for (Run r : runs) {
            long lastFirstWrite = r.blackhole();
            for (Trace t : r.traces()) {
                lastFirstWrite = Math.max(lastFirstWrite, t.firstSuccessAfter(r.blackhole(), r.newWriter()));
            }
            long end = Math.min(r.traceEnd(), Math.max(lastFirstWrite, r.steps().writable()) + AFTER_MS);
            Timeline picture = new Timeline("Writes through a blackholed writer and a promotion, run " + r.number(),
                    "seconds from the blackhole");
            for (int i = 0; i < r.traces().size(); i++) {
                Trace t = r.traces().get(i);
                Lane lane = t.lane(r.clients().get(i), r.blackhole(), r.blackhole() - BEFORE_MS, end, r.oldWriter());
                lane.event(r.blackhole(), "blackhole")
                        .event(r.steps().promoted(), "promoted")
                        .event(r.steps().writable(), "new writer takes writes")
                        .event(t.firstSuccessAfter(r.blackhole(), r.newWriter()), "first write on the new writer");
                picture.lane(lane);
            }
            Path file = picture.write(dir.resolve(String.format("run-%02d.png", r.number())));
            System.out.println("timeline picture: " + file);
        }
    }
}
