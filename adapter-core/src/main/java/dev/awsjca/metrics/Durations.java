package dev.awsjca.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The durations of one kind of event (failovers, writer searches, detections): totals for JMX, bucket
 * counts for a histogram in jconsole, and the values since the last EMF line (EMF takes up to 100 values
 * a line and CloudWatch computes the percentiles).
 */
final class Durations {

    /** Upper bounds of the JMX buckets, in milliseconds; the last bucket is everything above. */
    static final long[] BOUNDS_MS = {100, 250, 500, 1000, 2000, 3000, 5000, 10000, 30000, 60000};
    /** EMF refuses more than 100 values for one metric in one line. */
    static final int EMF_MAX_VALUES = 100;

    private long count;
    private long sumNanos;
    private long maxNanos = -1;
    private long lastNanos = -1;
    private final long[] buckets = new long[BOUNDS_MS.length + 1];
    private List<Double> sinceDrain = new ArrayList<>();

    synchronized void record(long nanos) {
        long n = Math.max(0, nanos);
        count++;
        sumNanos += n;
        maxNanos = Math.max(maxNanos, n);
        lastNanos = n;
        long ms = TimeUnit.NANOSECONDS.toMillis(n);
        int i = 0;
        while (i < BOUNDS_MS.length && ms > BOUNDS_MS[i]) {
            i++;
        }
        buckets[i]++;
        if (sinceDrain.size() < EMF_MAX_VALUES) {
            sinceDrain.add(n / 1e6);
        }
    }

    synchronized long count() {
        return count;
    }

    /** Milliseconds, or -1 before the first. */
    synchronized long lastMs() {
        return lastNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(lastNanos);
    }

    synchronized long maxMs() {
        return maxNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(maxNanos);
    }

    synchronized double meanMs() {
        return count == 0 ? -1 : sumNanos / 1e6 / count;
    }

    /** {@code <=100 ms} to {@code >60000 ms}: how many fell in each bucket. */
    synchronized Map<String, Long> histogram() {
        Map<String, Long> h = new LinkedHashMap<>();
        for (int i = 0; i < BOUNDS_MS.length; i++) {
            h.put("<=" + BOUNDS_MS[i] + " ms", buckets[i]);
        }
        h.put(">" + BOUNDS_MS[BOUNDS_MS.length - 1] + " ms", buckets[BOUNDS_MS.length]);
        return h;
    }

    /** The values (milliseconds) recorded since the last call, at most {@link #EMF_MAX_VALUES}. */
    synchronized List<Double> drain() {
        List<Double> values = sinceDrain;
        sinceDrain = new ArrayList<>();
        return values;
    }
}
