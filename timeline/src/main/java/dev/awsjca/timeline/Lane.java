package dev.awsjca.timeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one client did through one fault, for one strip of a {@link Timeline}: its successes (commits,
 * acknowledged writes) by series, its failures by kind, and the fault's events. Times are epoch
 * milliseconds; the strip shows {@code start} (inclusive) to {@code end} (exclusive) in seconds from
 * {@code origin}, so that lanes of different runs line up on their own faults.
 */
public final class Lane {

    /** A moment of the fault drawn as a labelled vertical line; at 0 or less: unknown, not drawn. */
    public record Event(long at, String label) {
    }

    /** A failed attempt, drawn as a mark below the zero line; one legend entry (colour, shape) per kind. */
    public record Failure(long at, String kind) {
    }

    private final String name;
    private final String unit;
    private final long origin;
    private final long start;
    private final long end;
    // by series in the order their first success was added: the first seen gets the first colour
    private final Map<String, List<Long>> successes = new LinkedHashMap<>();
    private final List<Failure> failures = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();

    /**
     * @param name   the client, prefixed to the axis label and to its failures in the legend; empty when the
     *               picture has one lane
     * @param unit   what a success is, plural ("commits", "writes"): the axis says "commits per 100 ms"
     * @param origin the instant shown as 0 s (the fault)
     */
    public Lane(String name, String unit, long origin, long start, long end) {
        if (end <= start) {
            throw new IllegalArgumentException("the lane ends (" + end + ") before it starts (" + start + ")");
        }
        this.name = name;
        this.unit = unit;
        this.origin = origin;
        this.start = start;
        this.end = end;
    }

    public Lane success(long at, String series) {
        successes.computeIfAbsent(series, s -> new ArrayList<>()).add(at);
        return this;
    }

    public Lane failure(long at, String kind) {
        failures.add(new Failure(at, kind));
        return this;
    }

    /**
     * Events keep the colour and label row of their position, even unknown ones, so that the same step has
     * the same colour in every lane and every picture that adds them in the same order.
     */
    public Lane event(long at, String label) {
        events.add(new Event(at, label));
        return this;
    }

    /**
     * Successes per bucket of {@code bucketMs} from {@code start} (inclusive) to {@code end} (exclusive), whole
     * buckets only: a last one cut short would look like a drop.
     */
    public static long[] perBucket(Collection<Long> times, long start, long end, long bucketMs) {
        int buckets = (int) Math.max(1, (end - start) / bucketMs);
        long[] counts = new long[buckets];
        for (long t : times) {
            if (t >= start && t < start + buckets * bucketMs) {
                counts[(int) ((t - start) / bucketMs)]++;
            }
        }
        return counts;
    }

    String name() {
        return name;
    }

    String unit() {
        return unit;
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }

    Map<String, List<Long>> successes() {
        return successes;
    }

    List<Failure> failures() {
        return failures;
    }

    List<Event> events() {
        return events;
    }

    double seconds(long at) {
        return (at - origin) / 1000.0;
    }
}
