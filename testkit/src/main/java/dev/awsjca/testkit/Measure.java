package dev.awsjca.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code testkit measure}: the figures in docs/PERFORMANCE.md. Starts a writer plus two replicas, writes,
 * fails over once, stops; repeated, in one JVM, and reports each run and the median.
 */
final class Measure {

    private Measure() {
    }

    static int run(int runs) {
        List<Long> starts = new ArrayList<>();
        List<Long> failovers = new ArrayList<>();
        List<Long> singleStarts = new ArrayList<>();
        System.out.printf("%-4s %18s %22s %22s%n", "run", "start 1+2 (ms)", "failover (ms)", "start 1 node (ms)");
        for (int run = 1; run <= runs; run++) {
            long t0 = System.nanoTime();
            long start;
            long failover;
            try (PgCluster cluster = PgCluster.builder().replicas(2).start()) {
                start = (System.nanoTime() - t0) / 1_000_000;
                cluster.writer().execute("postgres", "CREATE TABLE measured AS SELECT g FROM generate_series(1, 1000) g");
                failover = cluster.failover().duration().toMillis();
            }
            long t1 = System.nanoTime();
            long single;
            try (PgCluster cluster = PgCluster.builder().replicas(0).start()) {
                single = (System.nanoTime() - t1) / 1_000_000;
            }
            starts.add(start);
            failovers.add(failover);
            singleStarts.add(single);
            System.out.printf("%-4d %18d %22d %22d%n", run, start, failover, single);
        }
        System.out.printf("%-4s %18d %22d %22d%n", "med", median(starts), median(failovers), median(singleStarts));
        System.out.println("start: builder().start() until every replica streams; failover: crash of the writer until the"
                + " new writer committed a write (synchronous replication, so a replica follows it)");
        return 0;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
