package dev.awsjca.benchmarks.detection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * The kinds of work that make a healthy database look sick to a careless monitor, each one a loop run on a
 * thread of its own until the soak ends: statements that run long on purpose (sleeps, lock waits), statements
 * that burn the CPUs, a storm of new logins (each a process, TLS and a SCRAM check, slow on busy CPUs), many
 * connections with short statements. Every loop but the lock holder goes through the adapter; a statement that
 * fails is counted by its SQLState, and the loop goes on (on a new connection when it was lost).
 */
final class SoakLoad {

    /** 10 s of CPU in a backend, in PL/pgSQL. */
    static final String BURN = "DO $$ DECLARE t timestamptz := clock_timestamp(); x float8 := 0; BEGIN"
            + " WHILE clock_timestamp() < t + interval '10 seconds' LOOP x := x + sqrt(random()); END LOOP; END $$";

    private final String url;
    private final String user;
    private final String password;
    private final String directUrl;
    private final long endNanos;
    final Map<String, AtomicLong> completed = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    /** The slowest login of the storm, in ms, since the last {@link #takeSlowestLogin}. */
    private final LongAccumulator slowestLogin = new LongAccumulator(Math::max, 0);
    final LongAccumulator slowestLoginOverall = new LongAccumulator(Math::max, 0);
    /** The slowest SELECT 1 on an open connection (plain pgjdbc, straight to the server), in ms. */
    private final LongAccumulator slowestSelectOne = new LongAccumulator(Math::max, 0);
    final LongAccumulator slowestSelectOneOverall = new LongAccumulator(Math::max, 0);
    final AtomicLong logins = new AtomicLong();

    /**
     * @param url       the adapter's URL (every loop but the lock holder and the round-trip sampler)
     * @param directUrl plain pgjdbc to the same server
     */
    SoakLoad(String url, String directUrl, String user, String password, long endNanos) {
        this.url = url;
        this.directUrl = directUrl;
        this.user = user;
        this.password = password;
        this.endNanos = endNanos;
    }

    private boolean running() {
        return System.nanoTime() < endNanos;
    }

    long takeSlowestLogin() {
        return slowestLogin.getThenReset();
    }

    long takeSlowestSelectOne() {
        return slowestSelectOne.getThenReset();
    }

    long failed() {
        return failures.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** One piece of an application's work on its connection; what it throws counts as a failed statement. */
    @FunctionalInterface
    private interface Work {
        void on(Connection c) throws SQLException, InterruptedException;
    }

    /**
     * An application on one connection of the adapter: {@code work} again and again until the soak ends, each
     * one counted as completed or failed (by SQLState), on a new connection once the last one was lost.
     */
    private Runnable onOwnConnection(String kind, Work work) {
        return () -> {
            Connection c = null;
            try {
                while (running()) {
                    try {
                        if (c == null || c.isClosed()) {
                            c = DriverManager.getConnection(url, user, password);
                        }
                        work.on(c);
                        count(completed, kind);
                    } catch (SQLException e) {
                        failed(kind, e);
                        c = closeQuietly(c);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(c);
            }
        };
    }

    /** Runs {@code sql} back to back on one connection of the adapter. */
    Runnable repeat(String kind, String sql) {
        return onOwnConnection(kind, c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        });
    }

    /** A chatty application connection: a short catalog query, then a pause of up to 100 ms. */
    Runnable chatty() {
        return onOwnConnection("short statement", c -> {
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT count(*) FROM pg_class").close();
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(100));
        });
    }

    /** A login storm: a new connection through the adapter, one statement, closed; timed. */
    Runnable loginStorm() {
        return () -> {
            while (running()) {
                long start = System.nanoTime();
                try (Connection c = DriverManager.getConnection(url, user, password)) {
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    slowestLogin.accumulate(ms);
                    slowestLoginOverall.accumulate(ms);
                    logins.incrementAndGet();
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT 1");
                    }
                    count(completed, "login");
                } catch (SQLException e) {
                    failed("login", e);
                }
            }
        };
    }

    /**
     * Applications that come and go (a batch job, a DriverManager user): every 15 s one opens 4 connections to
     * a database of its own with {@code monitorDisposalTimeMs=0}, runs a 4 s statement on each at once, and
     * closes them. Each wave starts a cluster monitor and host monitors anew, whose first logins meet the busy
     * CPUs: the case where a monitor that timed logins like probes declared a healthy writer dead.
     */
    Runnable newcomers(String newcomerUrl) {
        return () -> {
            while (running()) {
                List<Thread> wave = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Thread t = new Thread(() -> {
                        try (Connection c = DriverManager.getConnection(newcomerUrl, user, password); Statement s = c.createStatement()) {
                            s.execute("SELECT pg_sleep(4)");
                            count(completed, "newcomer statement");
                        } catch (SQLException e) {
                            failed("newcomer statement", e);
                        }
                    }, "newcomer");
                    t.start();
                    wave.add(t);
                }
                try {
                    for (Thread t : wave) {
                        t.join();
                    }
                    Thread.sleep(15_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        };
    }

    /** Holds a row lock for 3 s, again and again (plain pgjdbc): the waiters' statements wait on it. */
    Runnable lockHolder() {
        return () -> {
            while (running()) {
                try (Connection c = DriverManager.getConnection(directUrl, user, password)) {
                    c.setAutoCommit(false);
                    while (running()) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT n FROM soak_lock WHERE id = 1 FOR UPDATE");
                            s.execute("SELECT pg_sleep(3)");
                        }
                        c.commit();
                    }
                } catch (SQLException e) {
                    failed("lock holder", e);
                }
            }
        };
    }

    /** An update of the locked row: waits for the holder, seconds at a time. */
    Runnable lockWaiter() {
        return onOwnConnection("lock wait", c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE soak_lock SET n = n + 1 WHERE id = 1")) {
                p.executeUpdate();
            }
        });
    }

    /**
     * What a statement on an open connection costs while all this runs: a SELECT 1 every 100 ms, straight to
     * the server. The monitor's probes are such statements; a login is not.
     */
    Runnable roundTripSampler() {
        return () -> {
            try (Connection c = DriverManager.getConnection(directUrl, user, password); Statement s = c.createStatement()) {
                while (running()) {
                    long start = System.nanoTime();
                    s.execute("SELECT 1");
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    slowestSelectOne.accumulate(ms);
                    slowestSelectOneOverall.accumulate(ms);
                    Thread.sleep(100);
                }
            } catch (SQLException e) {
                failed("round-trip sampler", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private void failed(String kind, SQLException e) {
        String why = e.getMessage() != null && e.getMessage().contains("was aborted") ? " (aborted by host monitoring)" : "";
        count(failures, kind + " " + e.getSQLState() + why);
    }

    private static void count(Map<String, AtomicLong> counts, String key) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private static Connection closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // lost already
            }
        }
        return null;
    }
}
