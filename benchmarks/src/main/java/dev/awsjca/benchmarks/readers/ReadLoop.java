package dev.awsjca.benchmarks.readers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * An application reading without pause on one logical connection marked read-only, as a report screen
 * would: on an error it reads again, and it opens a new connection only when the driver closed its own.
 * With no pause, a read is nearly always in flight when the reader goes, so the first failure is the
 * in-flight read's.
 */
final class ReadLoop implements Runnable {

    private final String url;
    private final Properties credentials;
    private volatile boolean stopped;
    private volatile String lastInstance;
    private volatile long lastAnswerNanos;
    private volatile Outage outage;

    ReadLoop(String url, Properties credentials) {
        this.url = url;
        this.credentials = credentials;
    }

    /** The instance that answered the latest read, or null before the first. */
    String lastInstance() {
        return lastInstance;
    }

    /** When the latest read was answered (System.nanoTime). */
    long lastAnswerNanos() {
        return lastAnswerNanos;
    }

    /** From now on, reads are accounted to the loss of {@code instance}, which the caller is about to cause. */
    Outage watch(String instance) {
        Outage o = new Outage(instance, System.nanoTime());
        outage = o;
        return o;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        Connection c = null;
        try {
            while (!stopped) {
                long started = System.nanoTime();
                try {
                    if (c == null) {
                        c = open();
                    }
                    String instance;
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReadSpread.WHO_ANSWERS)) {
                        rs.next();
                        instance = rs.getString(1);
                    }
                    long now = System.nanoTime();
                    lastInstance = instance;
                    lastAnswerNanos = now;
                    Outage o = outage;
                    if (o != null) {
                        o.answered(instance, now);
                    }
                } catch (SQLException e) {
                    Outage o = outage;
                    if (o != null) {
                        o.failed(e, started, System.nanoTime());
                    }
                    if (c == null) {
                        pause(); // no connection to be had right now: do not spin on connects
                    } else if (isClosed(c)) {
                        c = null;
                        if (o != null) {
                            o.reopened();
                        }
                    }
                }
            }
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the scenario is over
                }
            }
        }
    }

    private Connection open() throws SQLException {
        Connection fresh = DriverManager.getConnection(url, credentials);
        try {
            fresh.setReadOnly(true);
            return fresh;
        } catch (SQLException e) {
            fresh.close();
            throw e;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
