package dev.awsjca.benchmarks.readers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Application threads, each on its own logical connection marked read-only, make the same number of reads;
 * every read asks which instance answered it. Equal work per connection, so that the shares show where
 * the strategy put the connections, not which node the CPU scheduler happened to favour (with a shared
 * budget, a first run gave one reader 63% of the reads from 8 of 16 connections). A logical connection
 * keeps the reader it was given at {@code setReadOnly(true)}: all threads make that move at the same
 * instant, as a pool filling up at start would.
 */
final class ReadSpread {

    // the testkit's Aurora-like instance id of the node that ran the statement
    static final String WHO_ANSWERS = "SELECT aurora_db_instance_identifier()";

    /**
     * @param readsByInstance       instance id -> reads it answered
     * @param connectionsByInstance instance id -> logical connections whose first read it answered
     * @param moved                 logical connections whose reads were answered by more than one instance
     * @param errors                SQLState -> failed reads or connects
     */
    record Result(String label, int reads, Map<String, Integer> readsByInstance, Map<String, Integer> connectionsByInstance,
                  int moved, Map<String, Integer> errors, long millis) {

        double share(String instanceId) {
            return reads == 0 ? 0 : 100.0 * readsByInstance.getOrDefault(instanceId, 0) / reads;
        }
    }

    private ReadSpread() {
    }

    /** {@code reads / threads} reads on each of {@code threads} logical connections. */
    static Result run(String label, String url, Properties credentials, int threads, int reads) throws InterruptedException {
        int each = reads / threads;
        Map<String, Integer> byInstance = new ConcurrentHashMap<>();
        Map<String, Integer> connections = new ConcurrentHashMap<>();
        Map<String, Integer> errors = new ConcurrentHashMap<>();
        AtomicInteger moved = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                boolean counted = false;
                try (Connection c = DriverManager.getConnection(url, credentials)) {
                    ready.countDown();
                    counted = true;
                    go.await();
                    read(c, each, byInstance, connections, moved, errors);
                } catch (SQLException e) {
                    errors.merge("connect " + e.getSQLState(), 1, Integer::sum);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (!counted) {
                        ready.countDown(); // a thread that could not connect must not hold the others back
                    }
                }
            }, "reader app " + i);
            t.start();
            workers.add(t);
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : workers) {
            t.join();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        int done = byInstance.values().stream().mapToInt(Integer::intValue).sum();
        return new Result(label, done, new TreeMap<>(byInstance), new TreeMap<>(connections), moved.get(), new TreeMap<>(errors), millis);
    }

    private static void read(Connection c, int reads, Map<String, Integer> byInstance,
                                      Map<String, Integer> connections, AtomicInteger moved, Map<String, Integer> errors)
            throws SQLException {
        c.setReadOnly(true); // the strategy picks this connection's reader here
        String first = null;
        boolean wandered = false;
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < reads; i++) {
                try (ResultSet rs = s.executeQuery(WHO_ANSWERS)) {
                    rs.next();
                    String instance = rs.getString(1);
                    byInstance.merge(instance, 1, Integer::sum);
                    if (first == null) {
                        first = instance;
                        connections.merge(instance, 1, Integer::sum);
                    } else if (!first.equals(instance)) {
                        wandered = true;
                    }
                } catch (SQLException e) {
                    errors.merge(String.valueOf(e.getSQLState()), 1, Integer::sum);
                }
            }
        }
        if (wandered) {
            moved.incrementAndGet();
        }
    }
}
