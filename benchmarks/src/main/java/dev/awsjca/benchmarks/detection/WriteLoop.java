package dev.awsjca.benchmarks.detection;

import dev.awsjca.benchmarks.timeline.Trace;
import dev.awsjca.jdbc.ConnectionWrapper;
import org.postgresql.core.BaseConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application writing every few milliseconds, as it would: on an error it retries, and when its
 * connection is unusable it opens a new one. Records when the first write that started after a given
 * instant (the fault) succeeded.
 */
final class WriteLoop implements Runnable {

    /** Opens the application's connection. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private static final long PAUSE_MS = 10;

    private final String name;
    private final Connector connector;
    private final AtomicLong ids;
    private final Map<String, Integer> errors = new ConcurrentHashMap<>();
    private final Trace trace = new Trace();
    private volatile long faultAt = Long.MAX_VALUE;
    private volatile long firstWriteAfterFault;
    private volatile boolean stopped;
    private Connection connection;

    WriteLoop(String name, Connector connector, AtomicLong ids) {
        this.name = name;
        this.connector = connector;
        this.ids = ids;
    }

    String name() {
        return name;
    }

    /** From now on, the outage ends with the first write that starts after {@code nanos}. */
    void faultAt(long nanos) {
        firstWriteAfterFault = 0;
        faultAt = nanos;
    }

    /** Nanoseconds from the fault to the first successful write that started after it, or -1 so far. */
    long outageNanos() {
        long done = firstWriteAfterFault;
        return done == 0 ? -1 : done - faultAt;
    }

    /** SQLStates seen (with counts) since the start. */
    Map<String, Integer> errors() {
        return errors;
    }

    /** Each write (with its node) and failure, stamped as it happened, for the timeline picture. */
    Trace trace() {
        return trace;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        while (!stopped) {
            long started = System.nanoTime();
            try {
                if (connection == null) {
                    connection = connector.connect();
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO detection_writes (id, writer) VALUES (?, ?)")) {
                    insert.setLong(1, ids.incrementAndGet());
                    insert.setString(2, name);
                    insert.executeUpdate();
                }
                long done = System.nanoTime();
                trace.success(System.currentTimeMillis(), nodeOf(connection));
                if (started > faultAt && firstWriteAfterFault == 0) {
                    firstWriteAfterFault = done;
                }
            } catch (SQLException e) {
                trace.failure(System.currentTimeMillis(), String.valueOf(e.getSQLState()));
                errors.merge(String.valueOf(e.getSQLState()), 1, Integer::sum);
                if (connection != null && isClosed(connection)) {
                    connection = null; // unusable (08001 from the wrapper; any failure with plain pgjdbc): reconnect
                }
            }
            pause();
        }
        if (connection != null) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException ignored) {
                // going away
            }
        }
    }

    /** The instance endpoint host the write ran on: the wrapper's current host, or pgjdbc's. */
    private static String nodeOf(Connection c) throws SQLException {
        if (c instanceof ConnectionWrapper w) {
            return w.pipeline().currentHost().host();
        }
        return c.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec().getHost();
    }

    private static boolean isClosed(Connection c) {
        try {
            if (c.isClosed()) {
                return true;
            }
            // plain pgjdbc leaves a broken connection open: the application's pool would drop it
            if (!c.getClass().getName().startsWith("dev.awsjca")) {
                c.abort(Runnable::run);
                return true;
            }
            return false;
        } catch (SQLException e) {
            return true;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
