package dev.awsjca.plugins.hostmonitoring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.concurrent.Executor;

/**
 * One physical connection registered with the monitor of its host. The statement path only marks it
 * busy and idle (two atomic adds, and a clock read only when failureDetectionTimeMs is set; no lock, no
 * allocation); the monitor reads the marks on
 * its own schedule and aborts the connection when its host is declared dead while a statement runs.
 */
final class WatchedConnection {

    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findVarHandle(WatchedConnection.class, "busy", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Connection connection;
    private final HostMonitor monitor;
    private final boolean timed; // failureDetectionTimeMs > 0: the start of each statement is needed
    @SuppressWarnings("unused") // through BUSY
    private volatile int busy; // statements running now (JDBC allows more than one thread per connection)
    private volatile long busySince;
    private volatile long lastAnswer; // System.nanoTime() when a statement last came back without error, 0 if never
    private volatile String abortedBecause;

    WatchedConnection(Connection connection, HostMonitor monitor, boolean timed) {
        this.connection = connection;
        this.monitor = monitor;
        this.timed = timed;
    }

    void begin() {
        if (timed) {
            busySince = System.nanoTime(); // with the default grace of 0 the clock is never read
        }
        BUSY.getAndAdd(this, 1);
    }

    void end() {
        BUSY.getAndAdd(this, -1);
    }

    /** A statement came back from the host without error: the host is alive, whatever its probe says. */
    void answered() {
        lastAnswer = System.nanoTime();
    }

    /** Whether a statement came back from the host since {@code sinceNanos} (System.nanoTime()). */
    boolean answeredSince(long sinceNanos) {
        long a = lastAnswer;
        return a != 0 && a - sinceNanos >= 0;
    }

    /** True when a statement runs and has run for at least {@code graceNanos}. */
    boolean runningLongerThan(long graceNanos, long now) {
        return busy > 0 && (graceNanos == 0 || now - busySince >= graceNanos);
    }

    boolean isBusy() {
        return busy > 0;
    }

    /** Closes the socket under the stuck statement (its thread gets an I/O error at once). Once. */
    void abort(String because, Executor executor) {
        if (abortedBecause != null) {
            return;
        }
        abortedBecause = because;
        try {
            connection.abort(executor);
        } catch (SQLException | RuntimeException ignored) {
            // closed already: nothing is stuck on it
        }
    }

    /**
     * What the application sees when its statement failed because the monitor aborted the connection:
     * a connection failure (class 08, so the failover plugin takes over) that says why.
     */
    SQLException explain(SQLException failure) {
        String because = abortedBecause;
        if (because == null) {
            return failure;
        }
        return new SQLNonTransientConnectionException("The statement was aborted: " + because, "08006", failure);
    }

    /** The connection leaves its host's monitor (closed, or moved to another host). */
    void leave() {
        monitor.remove(this);
    }

    HostMonitor monitor() {
        return monitor;
    }
}
