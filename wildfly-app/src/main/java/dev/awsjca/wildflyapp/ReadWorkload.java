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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The soak's reads beside the orders: threads each running one JTA transaction per read (UserTransaction begin,
 * getConnection on a reader definition, a SELECT of one worker's latest order and the node that answered, close,
 * commit), counted per node; a failed read is counted by kind and the thread goes on after a short pause, as an
 * application showing a page would. Memory stays flat: counters only.
 */
final class ReadWorkload {

    static final String READ =
            "SELECT aurora_db_instance_identifier(), coalesce(max(seq), 0) FROM orders WHERE worker = ?";

    private final DataSource dataSource;
    private final UserTransaction tx;
    private final int threads;
    private final int orderWorkers;
    private final List<Thread> readers = new ArrayList<>();
    private volatile boolean running = true;

    final LongAdder reads = new LongAdder();
    final LongAdder failed = new LongAdder();
    /** When the latest read was done (epoch ms): the soak tells from it that reads went on after a fault. */
    final AtomicLong lastReadAt = new AtomicLong();
    final Map<String, LongAdder> byNode = new ConcurrentHashMap<>();
    final Map<String, LongAdder> failuresByKind = new ConcurrentHashMap<>();

    /** orderWorkers: how many workers place orders, so that every read asks about one of them. */
    ReadWorkload(DataSource dataSource, UserTransaction tx, int threads, int orderWorkers) {
        this.dataSource = dataSource;
        this.tx = tx;
        this.threads = threads;
        this.orderWorkers = Math.max(1, orderWorkers);
    }

    void start(ThreadFactory factory) {
        for (int r = 1; r <= threads; r++) {
            int reader = r;
            Thread t = factory.newThread(() -> read(reader));
            t.setName("soak-reads-" + reader);
            readers.add(t);
        }
        readers.forEach(Thread::start);
    }

    /** Asks the threads to finish their current read; answers how many are still busy after the wait. */
    int stop(long waitMs) throws InterruptedException {
        running = false;
        long deadline = System.currentTimeMillis() + waitMs;
        int busy = 0;
        for (Thread t : readers) {
            t.join(Math.max(1, deadline - System.currentTimeMillis()));
            busy += t.isAlive() ? 1 : 0;
        }
        return busy;
    }

    boolean running() {
        return running;
    }

    private void read(int reader) {
        long n = 0;
        while (running) {
            int worker = (int) ((reader + n++) % orderWorkers) + 1;
            try {
                tx.begin();
                String node;
                try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(READ)) {
                    ps.setInt(1, worker);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        node = rs.getString(1);
                    }
                }
                tx.commit();
                reads.increment();
                lastReadAt.accumulateAndGet(System.currentTimeMillis(), Math::max);
                byNode.computeIfAbsent(String.valueOf(node), k -> new LongAdder()).increment();
            } catch (Exception | Error e) {
                failed.increment();
                failuresByKind.computeIfAbsent(Failures.kind(e), k -> new LongAdder()).increment();
                rollbackQuietly();
                pause(100);
            }
        }
    }

    /** One line of key=value words: reads, failed reads, the latest read's time, reads per node, failures per kind. */
    String status() {
        return "reads=" + reads.sum() + " failed=" + failed.sum() + " last_read_ms=" + lastReadAt.get() + " nodes=" + joined(byNode)
                + " failures=" + joined(failuresByKind);
    }

    private static String joined(Map<String, LongAdder> counts) {
        if (counts.isEmpty()) {
            return "-";
        }
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted.entrySet().stream().map(e -> e.getKey().replace(' ', '_') + ":" + e.getValue())
                .collect(Collectors.joining(","));
    }

    private void rollbackQuietly() {
        try {
            if (tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tx.rollback();
            }
        } catch (Exception | Error ignored) {
            // the transaction is gone already; the failure was counted
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
