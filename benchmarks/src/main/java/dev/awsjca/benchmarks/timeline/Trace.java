package dev.awsjca.benchmarks.timeline;

import dev.awsjca.timeline.Lane;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a client did, stamped as it happened (epoch ms): each successful write with the node it ran on, each
 * failure with its kind. What the scenarios' timeline pictures are drawn from.
 */
public final class Trace {

    public record Success(long at, String node) {
    }

    public record Failure(long at, String kind) {
    }

    private final List<Success> successes = new ArrayList<>(); // guarded by this
    private final List<Failure> failures = new ArrayList<>();  // guarded by this

    public synchronized void success(long at, String node) {
        successes.add(new Success(at, node));
    }

    public synchronized void failure(long at, String kind) {
        failures.add(new Failure(at, kind));
    }

    /** Forgets everything so far (between runs: memory stays small). */
    public synchronized void clear() {
        successes.clear();
        failures.clear();
    }

    /** A copy of what happened from {@code from} (inclusive) to {@code to} (exclusive). */
    public synchronized Trace copy(long from, long to) {
        Trace c = new Trace();
        successes.stream().filter(s -> s.at() >= from && s.at() < to).forEach(c.successes::add);
        failures.stream().filter(f -> f.at() >= from && f.at() < to).forEach(c.failures::add);
        return c;
    }

    /** The first success on {@code node} at or after {@code at}, or 0. */
    public synchronized long firstSuccessAfter(long at, String node) {
        return successes.stream().filter(s -> s.at() >= at && s.node().equals(node))
                .mapToLong(Success::at).min().orElse(0);
    }

    /**
     * One client's lane through one fault: its writes as on the old writer or the new one (a failover has
     * no third), its failures by kind; the caller adds the fault's events.
     */
    public synchronized Lane lane(String name, long fault, long start, long end, String oldWriter) {
        Lane lane = new Lane(name, "writes", fault, start, end);
        successes.forEach(s -> lane.success(s.at(),
                s.node().equals(oldWriter) ? "writes on the old writer" : "writes on the new writer"));
        failures.forEach(f -> lane.failure(f.at(), f.kind()));
        return lane;
    }

    /** Where a scenario's pictures go: {@code benchmarks/target/<scenario>} from the repository's root. */
    public static Path pictures(String scenario) {
        return Path.of(System.getProperty("awsjca.bench.pictures", "benchmarks/target/" + scenario));
    }
}
