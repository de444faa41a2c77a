package dev.awsjca.topology;

import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.metrics.ClusterMetrics;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The writer as the cluster's monitor knows it: the topology as last seen, and the search for the writer
 * when it is lost. A writer counts as found only when the adapter itself reached it and it said it takes
 * writes.
 *
 * <p>Every probe is stamped with a generation when it starts ({@link #nextGeneration}); only knowledge
 * newer than what the topology was made from changes it, and a search ends only on a probe started after
 * the search began: a probe of the old writer that answered before its demotion and returns late cannot
 * put it back.
 *
 * <p>One lock guards all of it, and both the monitor's polling loop and the callers of {@link #awaitWriter}
 * wait on it: a search started or ended, a login refused, a new member or the monitor's close wakes them.
 * That is why the monitor's closed flag lives here.
 */
final class WriterSearch {

    // the monitor's logger: logging configurations name that category
    private static final System.Logger LOG = System.getLogger(ClusterMonitor.class.getName());
    static final long SEARCH_POLL_MS = 50;
    // after a new writer is found, replicas re-attach to it over the next seconds: look again meanwhile
    static final long SETTLE_POLL_MS = 500;
    static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String key;
    private final long refreshMs;
    private final Supplier<ClusterMetrics> metrics;
    private final Runnable writerFound; // run under the lock, when a search ends
    private final Object lock = new Object();
    private final AtomicLong generations = new AtomicLong();
    private volatile Topology topology = new Topology(List.of());
    private volatile boolean closed;
    // guarded by lock
    private boolean searching;
    private long settleUntil = System.nanoTime() + SETTLE_NANOS;
    private long knowledgeGeneration; // of the probe the topology was last made from
    private SQLException refusedLogin; // the last login a node refused to a probe (the database dropped, say)
    private long refusedGeneration; // of that probe
    private long searchGeneration; // the last probe started before the running search began

    WriterSearch(String key, long refreshMs, Supplier<ClusterMetrics> metrics, Runnable writerFound) {
        this.key = key;
        this.refreshMs = refreshMs;
        this.metrics = metrics;
        this.writerFound = writerFound;
    }

    Topology topology() {
        return topology;
    }

    boolean isClosed() {
        return closed;
    }

    boolean isSearching() {
        synchronized (lock) {
            return searching;
        }
    }

    /** The generation of a read of the topology that starts now (a probe's, a caller's). */
    long nextGeneration() {
        return generations.incrementAndGet();
    }

    /** See {@link ClusterMonitor#awaitWriter}. */
    HostSpec awaitWriter(HostSpec failed, long deadlineNanos) throws InterruptedException, SQLException {
        synchronized (lock) {
            HostSpec writer = topology.writer().orElse(null);
            if (!searching && writer != null && (failed == null || !writer.endpoint().equals(failed.endpoint()))) {
                return writer;
            }
            long asked = generations.get(); // a probe that started before this call cannot answer it
            String why = failed == null ? "writer unknown" : "connection to " + failed.endpoint() + " failed";
            while (true) {
                writer = topology.writer().orElse(null);
                if (!searching && writer != null && knowledgeGeneration > asked) {
                    return writer;
                }
                if (refusedLogin != null && refusedGeneration > asked) {
                    // the nodes answer and refuse the login: no writer will take it however long we wait
                    throw new SQLException("The writer search of cluster " + key + " stopped: " + refusedLogin.getMessage(),
                            refusedLogin.getSQLState(), refusedLogin);
                }
                startLocked(why);
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0 || closed) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /** Looks for the writer unless the known writer is another host (no writer known: looks). */
    void lookIfWriterWas(HostSpec host, String why) {
        synchronized (lock) {
            if (topology.writer().map(w -> w.endpoint().equals(host.endpoint())).orElse(true)) {
                startLocked(why);
            }
        }
    }

    void start(String why) {
        synchronized (lock) {
            startLocked(why);
        }
    }

    private void startLocked(String why) {
        if (!searching) {
            searching = true;
            searchGeneration = generations.get();
            metrics.get().writerSearchStarted();
            LOG.log(Level.INFO, "cluster {0}: looking for the writer ({1})", key, why);
            lock.notifyAll();
        }
    }

    /**
     * Makes {@code next} the topology unless it is older than what is known, or than the running search
     * (a late answer). A topology read from the writer itself ({@code confirmedWriter}) ends the search.
     * Returns the topology it replaced, or null when it was too old.
     */
    Topology record(Topology next, boolean confirmedWriter, long generation) {
        synchronized (lock) {
            if (generation < knowledgeGeneration || (searching && generation <= searchGeneration)) {
                return null;
            }
            knowledgeGeneration = generation;
            Topology previous = topology;
            topology = next;
            if (confirmedWriter && searching) {
                searching = false;
                writerFound.run();
                settleUntil = System.nanoTime() + SETTLE_NANOS;
                metrics.get().writerFound();
                LOG.log(Level.INFO, "cluster {0}: writer is {1}", key, next.writer().map(HostSpec::endpoint).orElse("?"));
            }
            lock.notifyAll();
            return previous;
        }
    }

    /** Whether the host is the writer, as known from probes no newer than this one. */
    boolean isWriter(HostSpec host, long generation) {
        synchronized (lock) {
            return generation > knowledgeGeneration
                    && topology.writer().map(w -> w.endpoint().equals(host.endpoint())).orElse(false);
        }
    }

    /**
     * A node refused a probe's login ({@link SqlFailures#isLoginRefused}): it says nothing of the host, and
     * ends a writer search, see {@link #awaitWriter}.
     */
    void loginRefused(SQLException refused, long generation) {
        synchronized (lock) {
            refusedLogin = refused;
            refusedGeneration = generation;
            lock.notifyAll();
        }
    }

    /** Ends the polling loop's wait: a monitor that lingered without members probes again at once. */
    void wakeUp() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /**
     * Waits until the next round of probes: {@link #SEARCH_POLL_MS} while searching, at most
     * {@link #SETTLE_POLL_MS} while the replicas settle on a new writer, refreshMs otherwise; no wait when
     * a search started or ended during the last round. False once the monitor is closed.
     */
    boolean awaitNextRound(boolean searchedLastRound) throws InterruptedException {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            if (searching == searchedLastRound) {
                boolean settling = System.nanoTime() - settleUntil < 0;
                lock.wait(searching ? SEARCH_POLL_MS : settling ? Math.min(SETTLE_POLL_MS, refreshMs) : refreshMs);
            }
            return true;
        }
    }

    /** Closes the monitor: every wait here ends. False when it was closed already. */
    boolean close() {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            closed = true;
            lock.notifyAll();
            return true;
        }
    }
}
