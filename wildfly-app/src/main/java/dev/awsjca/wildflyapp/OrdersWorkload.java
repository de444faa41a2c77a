package dev.awsjca.wildflyapp;

import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo's application: worker threads placing orders, one JTA transaction per order (UserTransaction
 * begin, getConnection, INSERT ... RETURNING the node it ran on, close, commit). It follows the error
 * contract as a careful application would: an order whose transaction failed before commit, or whose commit
 * says it rolled back ({@code RollbackException}, {@code HeuristicRollbackException}), is placed again under
 * the same key (worker, seq); after a commit whose outcome the exception leaves open
 * ({@code HeuristicMixedException}, {@code SystemException}, anything else) it first looks its order up, and
 * places it again only when it is not there. So a transaction reported rolled back that did commit after
 * all shows up as a doubled row. It remembers what it believes committed, and every failure with the stage
 * it happened in. A worker places its orders in sequence and the next only once the last committed, so its
 * highest committed order says which are committed: 1 to it. With {@code keepKeys} off (the soak, which runs
 * for half an hour) that is all it keeps, so that its memory stays flat; the demo keeps every key and commit time.
 */
final class OrdersWorkload {

    /** One failed attempt, as the application saw it. */
    record Failure(long at, int worker, int seq, int attempt, String stage, String kind, String description) {
    }

    /** Commits per node of the cluster (the instance id the INSERT returned). */
    static final class NodeCommits {
        final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong last = new AtomicLong();
        final LongAdder count = new LongAdder();
        final ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
    }

    static final String INSERT = "INSERT INTO orders (worker, seq, attempt) VALUES (?, ?, ?) RETURNING node";
    static final String LOOKUP = "SELECT count(*) FROM orders WHERE worker = ? AND seq = ?";

    enum Result { COMMITTED, ROLLED_BACK, UNKNOWN }
    private static final int MAX_KEPT_FAILURES = 500;

    private final DataSource dataSource;
    private final UserTransaction tx;
    private final int threads;
    private final boolean keepKeys;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;
    final long startedAt = System.currentTimeMillis();
    private volatile long stoppedAt;

    final LongAdder committed = new LongAdder();
    final LongAdder failedAttempts = new LongAdder();
    final AtomicInteger activeWorkers = new AtomicInteger();
    final Map<String, LongAdder> failuresByKind = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    final AtomicInteger keptFailures = new AtomicInteger();
    final Map<String, NodeCommits> byNode = new ConcurrentHashMap<>();
    /** Keys (worker, seq) whose commit returned normally, and those abandoned unfinished at stop. */
    final ConcurrentLinkedQueue<long[]> committedKeys = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<long[]> abandonedKeys = new ConcurrentLinkedQueue<>();
    /** Per worker (index 1 to threads), its highest committed order. */
    final AtomicIntegerArray highestCommitted;
    /** Commits whose outcome the exception left open, and what looking the order up found. */
    final LongAdder unknownOutcomes = new LongAdder();
    final LongAdder unknownFoundCommitted = new LongAdder();
    final LongAdder unknownFoundAbsent = new LongAdder();
    final LongAdder lookupFailures = new LongAdder();
    /** Stack traces of the first failures, for the demo's failures.txt. */
    final ConcurrentLinkedQueue<String> traces = new ConcurrentLinkedQueue<>();
    private static final int MAX_TRACES = 20;
    volatile String lastNode = "";

    OrdersWorkload(DataSource dataSource, UserTransaction tx, int threads) {
        this(dataSource, tx, threads, true);
    }

    OrdersWorkload(DataSource dataSource, UserTransaction tx, int threads, boolean keepKeys) {
        this.dataSource = dataSource;
        this.tx = tx;
        this.threads = threads;
        this.keepKeys = keepKeys;
        this.highestCommitted = new AtomicIntegerArray(threads + 1);
    }

    void start(ThreadFactory factory) {
        for (int w = 1; w <= threads; w++) {
            int worker = w;
            Thread t = factory.newThread(() -> work(worker));
            t.setName("demo-orders-" + worker);
            workers.add(t);
        }
        workers.forEach(Thread::start);
    }

    /** Asks the workers to finish their current order; returns the names of those still busy after the wait. */
    List<String> stop(long waitMs) throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        List<String> stuck = new ArrayList<>();
        for (Thread t : workers) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                t.join(left);
            }
            if (t.isAlive()) {
                stuck.add(t.getName());
            }
        }
        stoppedAt = System.currentTimeMillis();
        return stuck;
    }

    int activeWorkersAtStart() {
        return threads;
    }

    boolean running() {
        return running;
    }

    long stoppedAt() {
        return stoppedAt;
    }

    private void work(int worker) {
        activeWorkers.incrementAndGet();
        try {
            int seq = 0;
            while (running) {
                seq++;
                int attempt = 0;
                boolean done = false;
                while (running && !done) {
                    attempt++;
                    Result r = placeOrder(worker, seq, attempt);
                    if (r == Result.UNKNOWN) {
                        Boolean there = lookUp(worker, seq);
                        while (there == null && running) {
                            pause(100);
                            there = lookUp(worker, seq);
                        }
                        if (Boolean.TRUE.equals(there)) {
                            unknownFoundCommitted.increment();
                            committedOrder(worker, seq);
                            r = Result.COMMITTED;
                        } else if (there != null) {
                            unknownFoundAbsent.increment();
                        }
                    }
                    done = r == Result.COMMITTED;
                    if (!done) {
                        pause(100); // then the same order again
                    }
                }
                if (!done && attempt > 0) {
                    abandonedKeys.add(new long[] {worker, seq}); // failed, and the demo ended before a retry committed
                }
            }
        } finally {
            activeWorkers.decrementAndGet();
        }
    }

    /** One attempt at one order in one JTA transaction. */
    private Result placeOrder(int worker, int seq, int attempt) {
        String stage = "begin";
        try {
            tx.begin();
            stage = "getConnection";
            String node;
            try (Connection c = dataSource.getConnection()) {
                stage = "insert";
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    ps.setInt(1, worker);
                    ps.setInt(2, seq);
                    ps.setInt(3, attempt);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        node = rs.getString(1);
                    }
                }
                stage = "close";
            }
            stage = "commit";
            tx.commit();
            long now = System.currentTimeMillis();
            committedOrder(worker, seq);
            NodeCommits n = byNode.computeIfAbsent(String.valueOf(node), k -> new NodeCommits());
            n.count.increment();
            n.first.accumulateAndGet(now, Math::min);
            n.last.accumulateAndGet(now, Math::max);
            if (keepKeys && n.times.size() < 200_000) {
                n.times.add(now);
            }
            lastNode = String.valueOf(node);
            return Result.COMMITTED;
        } catch (Exception | Error e) {
            rollbackQuietly();
            String kind = Failures.kind(e);
            Result result = Result.ROLLED_BACK;
            if (stage.equals("commit") && !(e instanceof jakarta.transaction.RollbackException)
                    && !(e instanceof jakarta.transaction.HeuristicRollbackException)) {
                result = Result.UNKNOWN;
                unknownOutcomes.increment();
            }
            failedAttempts.increment();
            failuresByKind.computeIfAbsent(stage + " " + kind, k -> new LongAdder()).increment();
            if (keptFailures.incrementAndGet() <= MAX_KEPT_FAILURES) {
                failures.add(new Failure(System.currentTimeMillis(), worker, seq, attempt, stage, kind, Failures.describe(e)));
            }
            if (traces.size() < MAX_TRACES) {
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                traces.add("worker " + worker + " order " + worker + "-" + seq + " attempt " + attempt + ", " + stage + " at "
                        + java.time.Instant.now() + ":\n" + trace);
            }
            return result;
        }
    }

    private void committedOrder(int worker, int seq) {
        committed.increment();
        highestCommitted.set(worker, seq);
        if (keepKeys) {
            committedKeys.add(new long[] {worker, seq});
        }
    }

    /** Whether the order is in the database (outside any JTA transaction), or null when that could not be read. */
    private Boolean lookUp(int worker, int seq) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LOOKUP)) {
            ps.setInt(1, worker);
            ps.setInt(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (Exception | Error e) {
            lookupFailures.increment();
            return null;
        }
    }

    private void rollbackQuietly() {
        try {
            int status = tx.getStatus();
            if (status != Status.STATUS_NO_TRANSACTION) {
                tx.rollback();
            }
        } catch (Exception | Error ignored) {
            // the transaction is gone already; the failure was recorded
        }
    }

    /** Failures counted by "stage kind", sorted. */
    Map<String, Long> failureCounts() {
        Map<String, Long> m = new TreeMap<>();
        failuresByKind.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
