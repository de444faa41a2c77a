package dev.awsjca.topology;

import java.util.function.LongConsumer;

/**
 * What the adapter knows of one host's health, from probes and from the connections using it. Read by
 * JMX, reader selection and connection validation; written by the host monitors, the cluster monitor and
 * failovers. One model for all of them: a failed observation (a probe that failed or timed out, a connect
 * that failed) makes the host SUSPECT; {@link #FAILURES_TO_DOWN} in a row, or host monitoring declaring it
 * dead (after its own failureDetectionCount), make it DOWN; any success makes it UP. A single slow answer
 * never makes a host DOWN (which would fail every pooled connection's validation).
 */
public final class HostHealth {

    /** Failed observations in a row that make a host DOWN. */
    public static final int FAILURES_TO_DOWN = 3;

    /** What a host is to the adapter now. */
    public enum State { UP, SUSPECT, DOWN }

    private volatile State state = State.UP;
    private volatile long lastLatencyNanos = -1;
    private volatile int consecutiveFailures;
    private volatile long lastChangeMillis = System.currentTimeMillis();
    private volatile long averageLatencyNanos = -1;
    private volatile long failedProbes;
    private volatile long lastFailureMillis;
    private final LongConsumer declaredDown;
    private long troubleSinceNanos; // guarded by this: when the state last left UP

    public HostHealth() {
        this(nanos -> { });
    }

    /** {@code declaredDown} gets the detection time: from the first failed or missed probe to DOWN. */
    public HostHealth(LongConsumer declaredDown) {
        this.declaredDown = declaredDown;
    }

    public State state() {
        return state;
    }

    /** The round trip of the last successful probe, or -1 before the first. */
    public long lastLatencyNanos() {
        return lastLatencyNanos;
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /**
     * The probes' round trip smoothed over about the last eight (an exponential moving average), or -1
     * before the first: steadier than the last one for choosing the fastest reader.
     */
    public long averageLatencyNanos() {
        return averageLatencyNanos;
    }

    /** Failed probes since the adapter started watching the host (recent errors show as a rising count). */
    public long failedProbes() {
        return failedProbes;
    }

    /** When a probe last failed (epoch millis), or 0 if none did. */
    public long lastFailureMillis() {
        return lastFailureMillis;
    }

    public synchronized void probeSucceeded(long latencyNanos) {
        lastLatencyNanos = latencyNanos;
        averageLatencyNanos = averageLatencyNanos < 0 ? latencyNanos : averageLatencyNanos + (latencyNanos - averageLatencyNanos) / 8;
        consecutiveFailures = 0;
        setState(State.UP);
    }

    /** A failed observation; the host is DOWN once {@link #FAILURES_TO_DOWN} failed in a row. Returns the new state. */
    public synchronized State probeFailed() {
        consecutiveFailures++;
        failedProbes++;
        lastFailureMillis = System.currentTimeMillis();
        setState(consecutiveFailures >= FAILURES_TO_DOWN ? State.DOWN : State.SUSPECT);
        return state;
    }

    public synchronized void markDown() {
        setState(State.DOWN);
    }

    private void setState(State next) {
        if (next != state) {
            long now = System.nanoTime();
            if (state == State.UP) {
                troubleSinceNanos = now;
            }
            if (next == State.DOWN) {
                declaredDown.accept(now - troubleSinceNanos);
            }
            state = next;
            lastChangeMillis = System.currentTimeMillis();
        }
    }

    public long lastChangeMillis() {
        return lastChangeMillis;
    }

    @Override
    public String toString() {
        return state + (lastLatencyNanos < 0 ? "" : String.format(" %.2f ms", lastLatencyNanos / 1e6))
                + (consecutiveFailures == 0 ? "" : ", " + consecutiveFailures + " failed probes");
    }
}
