package dev.awsjca.benchmarks.failover;

import dev.awsjca.benchmarks.timeline.Trace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An application thread writing one autocommit INSERT every millisecond, recording when each write was
 * acknowledged and on which node. How it reacts to errors is what the clients differ in.
 */
abstract class WriteLoop implements Runnable, AutoCloseable {

    /** An acknowledged write: when the reply came, and the node (instance endpoint host) it ran on. */
    record Ack(Instant at, String host) {
    }

    private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final String name;
    private final List<Ack> acks = new ArrayList<>(); // guarded by itself
    private final Thread thread;
    private volatile boolean stopped;
    private volatile boolean paused;
    private long errors; // guarded by acks
    private final Trace trace = new Trace();
    protected Connection connection;

    WriteLoop(String name) {
        this.name = name;
        this.thread = new Thread(this, "bench-" + name);
        this.thread.setDaemon(true);
    }

    String name() {
        return name;
    }

    void start() {
        thread.start();
    }

    /** Opens the connection (again, after a failure, for clients that must). */
    protected abstract Connection open() throws SQLException;

    /** The host the connection runs on now. */
    protected abstract String hostOf(Connection c) throws SQLException;

    /**
     * A write failed: true to write again on the same connection (it recovered by itself), false to
     * throw the connection away and open a new one.
     */
    protected abstract boolean keepsConnectionAfter(SQLException e);

    @Override
    public void run() {
        long id = 0;
        while (!stopped) {
            if (paused) {
                LockSupport.parkNanos(PACE_NANOS * 5);
                continue;
            }
            try {
                if (connection == null) {
                    connection = open();
                }
                try (PreparedStatement ps = connection.prepareStatement("INSERT INTO bench_write (client, n) VALUES (?, ?)")) {
                    ps.setString(1, name);
                    ps.setLong(2, id++);
                    ps.executeUpdate();
                }
                Ack ack = new Ack(Instant.now(), hostOf(connection));
                synchronized (acks) {
                    acks.add(ack);
                }
                trace.success(ack.at().toEpochMilli(), ack.host());
            } catch (SQLException e) {
                trace.failure(System.currentTimeMillis(), String.valueOf(e.getSQLState()));
                synchronized (acks) {
                    errors++;
                }
                if (connection != null && !keepsConnectionAfter(e)) {
                    closeQuietly();
                }
                continue; // the application retries at once: that is what is being timed
            }
            LockSupport.parkNanos(PACE_NANOS);
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // thrown away
        }
        connection = null;
    }

    /**
     * A paused client sends nothing (its connection stays as it is): the failovers it is not timed on are
     * not slowed by its reconnect attempts, nor its own by the other client's.
     */
    void pause(boolean pause) {
        paused = pause;
    }

    /** The first acknowledged write on {@code host} after {@code after}, or null. */
    Ack firstAckOn(String host, Instant after) {
        synchronized (acks) {
            for (Ack a : acks) {
                if (a.at().isAfter(after) && a.host().equals(host)) {
                    return a;
                }
            }
        }
        return null;
    }

    /** Forgets the acknowledgements and the trace so far (between failovers: memory stays small). */
    void forget() {
        synchronized (acks) {
            acks.clear();
        }
        trace.clear();
    }

    /** Each write and failure since {@link #forget}, for the timeline picture. */
    Trace trace() {
        return trace;
    }

    long errors() {
        synchronized (acks) {
            return errors;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(10_000);
    }
}
