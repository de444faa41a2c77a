package dev.awsjca.benchmarks.readers;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One reader lost under the read loop: from the fault until the first read answered by another instance,
 * and what the application saw in between.
 */
final class Outage {

    private final String lostInstance;
    private final long faultNanos;
    private final AtomicInteger failedReads = new AtomicInteger();
    private final AtomicInteger reopened = new AtomicInteger();
    private volatile String firstError;
    private volatile long resumedNanos;
    private volatile String resumedOn;

    Outage(String lostInstance, long faultNanos) {
        this.lostInstance = lostInstance;
        this.faultNanos = faultNanos;
    }

    String lostInstance() {
        return lostInstance;
    }

    /** A read answered: the outage ends with the first one from another instance. */
    void answered(String instance, long nowNanos) {
        if (resumedNanos == 0 && !instance.equals(lostInstance)) {
            resumedOn = instance;
            resumedNanos = nowNanos;
        }
    }

    /** A read failed: the first failure is the read that was in flight on the lost reader (or the next one). */
    void failed(SQLException e, long startedNanos, long nowNanos) {
        if (resumedNanos != 0) {
            return;
        }
        if (failedReads.getAndIncrement() == 0) {
            firstError = e.getSQLState() + " " + e.getClass().getSimpleName() + " (read started "
                    + millis(startedNanos - faultNanos) + " ms after the fault, failed at " + millis(nowNanos - faultNanos) + " ms)";
        }
    }

    /** The driver closed the application's logical connection, and the application opened a new one. */
    void reopened() {
        reopened.incrementAndGet();
    }

    int reopenedConnections() {
        return reopened.get();
    }

    boolean resumed() {
        return resumedNanos != 0;
    }

    /** From the fault to the first read answered elsewhere, -1 while none was. */
    long millis() {
        return resumedNanos == 0 ? -1 : millis(resumedNanos - faultNanos);
    }

    String resumedOn() {
        return resumedOn;
    }

    /** SQLState, exception class and timing of the first failed read; null when no read failed. */
    String firstError() {
        return firstError;
    }

    /** The SQLState of the first failed read, or "none". */
    String firstSqlState() {
        String e = firstError;
        return e == null ? "none" : e.substring(0, e.indexOf(' '));
    }

    int failedReads() {
        return failedReads.get();
    }

    private static long millis(long nanos) {
        return Math.round(nanos / 1e6);
    }
}
