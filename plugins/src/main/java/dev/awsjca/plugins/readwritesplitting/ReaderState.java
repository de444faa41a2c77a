package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.topology.HostSpec;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What reader selection knows of one reader: whether the adapter's own probe reaches it, its replication
 * lag and round-trip time as the probe last measured them, and how many logical connections of this
 * cluster read on it now.
 */
final class ReaderState {

    private final HostSpec host;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean reachable = true;
    private volatile long lagMs = -1;
    private volatile long rttNanos = -1;

    ReaderState(HostSpec host) {
        this.host = host;
    }

    HostSpec host() {
        return host;
    }

    boolean reachable() {
        return reachable;
    }

    void reachable(boolean now) {
        reachable = now;
    }

    /** Replication lag in ms at the last probe, or -1 before the first. */
    long lagMs() {
        return lagMs;
    }

    /** Smoothed round trip of the probe (about the last eight), or -1 before the first. */
    long rttNanos() {
        return rttNanos;
    }

    void measured(long lag, long rtt) {
        lagMs = lag;
        long avg = rttNanos;
        rttNanos = avg < 0 ? rtt : avg + (rtt - avg) / 8;
    }

    int connections() {
        return connections.get();
    }

    void leased() {
        connections.incrementAndGet();
    }

    void returned() {
        connections.decrementAndGet();
    }

    @Override
    public String toString() {
        return host.endpoint() + (reachable ? "" : " unreachable") + " lag=" + lagMs + "ms rtt="
                + (rttNanos < 0 ? "?" : String.format("%.2fms", rttNanos / 1e6)) + " connections=" + connections;
    }
}
