package dev.awsjca.benchmarks.failover;

import dev.awsjca.benchmarks.timeline.Milestones;
import dev.awsjca.benchmarks.timeline.Trace;
import dev.awsjca.testkit.ClusterEvent;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Failover time as the application sees it, writer crash on a local 3-node testkit cluster. Two clients
 * on the same cluster take turns (one writes through a failover while the other is paused, so neither's
 * reconnect attempts take CPU from the other's recovery): the adapter (plugins=failover), and plain pgjdbc
 * with a multi-host URL, targetServerType=primary, reconnecting at once on any failure. {@code --runs N}
 * failovers for each.
 * Per failover: client-side latency = first acknowledged write on the new writer - the moment the new
 * writer accepted its first write (the testkit's "first write" milestone of the failover event), and the
 * outage = first acknowledged write on the new writer - the fault.
 *
 * Each client writes steadily for a second before its crash and on until a second after its first write
 * on the new writer: what the timeline pictures ({@link FailoverPictures}) show of each failover.
 *
 * <pre>scripts/bench-failover.sh [--runs 20]</pre> (each failover's phases in the adapter's log with
 * {@code -Dawsjca.bench.adapterLogLevel=INFO}).
 */
public final class FailoverTimeBenchmark {

    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(30);
    // the adapter logs each failover at INFO: 20 of them would bury the table. Held so it is not collected.
    private static final java.util.logging.Logger ADAPTER_LOG = java.util.logging.Logger.getLogger("dev.awsjca");

    /**
     * One failover: which client was timed, when it began, when the new writer took writes, when the client
     * wrote there; for the picture, the failover's steps and what the client did from a second before it.
     */
    record Run(int number, String client, Instant fault, Instant writable, String newWriter, Instant firstWrite,
               Milestones steps, String oldWriter, Trace trace, long traceEnd) {

        static double ms(Instant from, Instant to) {
            return to == null ? Double.NaN : Duration.between(from, to).toNanos() / 1e6;
        }
    }

    private FailoverTimeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 20;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs") && i + 1 < args.length) {
                runs = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: FailoverTimeBenchmark [--runs N]   (N failovers, default 20)");
                System.exit(2);
            }
        }
        ADAPTER_LOG.setLevel(java.util.logging.Level.parse(System.getProperty("awsjca.bench.adapterLogLevel", "WARNING")));
        System.out.printf("Failover (writer crash), %d failovers, %d cores, Java %s%n", runs,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        List<Run> results;
        try (PgCluster cluster = PgCluster.builder().replicas(2).start()) {
            TestDatabase db = cluster.createDatabase("failover_bench");
            cluster.execute(cluster.writer(), db.name(),
                    "CREATE TABLE bench_write (id bigserial PRIMARY KEY, client text NOT NULL, n bigint NOT NULL)");
            results = measure(cluster, db, runs);
            report(results);
        }
        FailoverPictures.draw(results); // once the cluster is gone: drawing takes no CPU from a failover
    }

    private static List<Run> measure(PgCluster cluster, TestDatabase db, int runs) throws Exception {
        Properties credentials = db.credentials();
        String hosts = cluster.nodes().stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
        PgNode first = cluster.writer();
        String wrapperUrl = "jdbc:aws-wrapper:postgresql://" + first.host() + ":" + first.port() + "/" + db.name()
                + "?plugins=failover&connectTimeout=2&socketTimeout=10&clusterInstanceHostPattern="
                + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8);
        String pgjdbcUrl = "jdbc:postgresql://" + hosts + "/" + db.name()
                + "?targetServerType=primary&connectTimeout=2&socketTimeout=10";
        System.out.println("adapter: " + wrapperUrl);
        System.out.println("pgjdbc:  " + pgjdbcUrl);

        List<Run> results = new ArrayList<>();
        try (WrapperClient wrapper = new WrapperClient(wrapperUrl, credentials);
             PgjdbcClient pgjdbc = new PgjdbcClient(pgjdbcUrl, credentials)) {
            wrapper.start();
            pgjdbc.start();
            System.out.printf("%n%4s %-11s %-10s %12s %12s %12s%n", "run", "client", "new writer", "promotion",
                    "latency", "outage");
            for (int i = 1; i <= 2 * runs; i++) {
                // the clients take turns: one writes through the failover, the other is paused
                WriteLoop timed = i % 2 == 1 ? wrapper : pgjdbc;
                WriteLoop idle = timed == wrapper ? pgjdbc : wrapper;
                idle.pause(true);
                timed.pause(false);
                awaitWriting(cluster, timed);
                timed.forget();
                Thread.sleep(FailoverPictures.BEFORE_MS); // steady writes before the crash, for the picture
                PgNode old = cluster.writer();
                ClusterEvent event = cluster.failover();
                Milestones steps = Milestones.of(event);
                Instant writable = Instant.ofEpochMilli(steps.writable());
                String newWriter = cluster.writer().host();
                Instant firstWrite = awaitFirstAck(timed, newWriter, event.started());
                System.out.printf("%4d %-11s %-10s %9.0f ms %9.1f ms %9.1f ms%n", i, timed.name(), newWriter,
                        Run.ms(event.started(), writable), Run.ms(writable, firstWrite),
                        Run.ms(event.started(), firstWrite));
                cluster.rejoin(old); // three nodes again for the next run
                long traceEnd = awaitTail(firstWrite);
                results.add(new Run(i, timed.name(), event.started(), writable, newWriter, firstWrite, steps,
                        old.host(), timed.trace().copy(steps.started() - FailoverPictures.BEFORE_MS, traceEnd), traceEnd));
            }
            System.out.printf("%nerrors seen by the application: adapter %d (of which 08007 %d), pgjdbc %d%n",
                    wrapper.errors(), wrapper.unknownOutcomes(), pgjdbc.errors());
        }
        return results;
    }

    /** The clients have written on the current writer since it became the writer (or since the start). */
    private static void awaitWriting(PgCluster cluster, WriteLoop... clients) throws InterruptedException {
        Instant since = Instant.now();
        String writer = cluster.writer().host();
        for (WriteLoop c : clients) {
            if (awaitAck(c, writer, since, Duration.ofSeconds(30)) == null) {
                throw new IllegalStateException(c.name() + " does not write on " + writer + ": the benchmark cannot go on");
            }
        }
    }

    private static Instant awaitFirstAck(WriteLoop client, String host, Instant after) throws InterruptedException {
        return awaitAck(client, host, after, RECOVERY_LIMIT);
    }

    private static Instant awaitAck(WriteLoop client, String host, Instant after, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            WriteLoop.Ack ack = client.firstAckOn(host, after);
            if (ack != null) {
                return ack.at();
            }
            Thread.sleep(5);
        }
        return null;
    }

    /** Now, once the client has written for a second on the new writer (the rejoin usually took longer). */
    private static long awaitTail(Instant firstWrite) throws InterruptedException {
        if (firstWrite != null) {
            long tail = firstWrite.toEpochMilli() + FailoverPictures.AFTER_MS - System.currentTimeMillis();
            Thread.sleep(Math.max(0, tail));
        }
        return System.currentTimeMillis();
    }

    private static void report(List<Run> runs) {
        List<Double> promotion = new ArrayList<>();
        runs.forEach(r -> promotion.add(Run.ms(r.fault(), r.writable())));
        System.out.printf("%n| figure (ms) | failovers | p50 | p95 | max | min |%n|---|---|---|---|---|---|%n");
        row("fault -> new writer accepts writes (testkit)", new Percentiles(promotion));
        Percentiles adapterLatency = null;
        long adapterMissed = 0;
        for (String client : List.of("aws-wrapper", "pgjdbc")) {
            List<Run> mine = runs.stream().filter(r -> r.client().equals(client)).toList();
            List<Double> latency = new ArrayList<>();
            List<Double> outage = new ArrayList<>();
            for (Run r : mine) {
                if (r.firstWrite() != null) {
                    latency.add(Run.ms(r.writable(), r.firstWrite()));
                    outage.add(Run.ms(r.fault(), r.firstWrite()));
                }
            }
            String label = client.equals("aws-wrapper") ? "adapter (plugins=failover)" : "pgjdbc multi-host, reconnect loop";
            row(label + ": client-side latency (new writer accepts writes -> first write)", new Percentiles(latency));
            row(label + ": outage (fault -> first write)", new Percentiles(outage));
            long missed = mine.stream().filter(r -> r.firstWrite() == null).count();
            System.out.printf("%s: %d of %d failovers with no write on the new writer within %d s%n", label, missed,
                    mine.size(), RECOVERY_LIMIT.toSeconds());
            if (client.equals("aws-wrapper")) {
                adapterLatency = new Percentiles(latency);
                adapterMissed = missed;
            }
        }
        System.out.printf("target client-side p50 <= 50 ms: %s (%.1f); p95 <= 200 ms: %s (%.1f)%n",
                adapterLatency.at(50) <= 50 && adapterMissed == 0 ? "met" : "MISSED", adapterLatency.at(50),
                adapterLatency.at(95) <= 200 && adapterMissed == 0 ? "met" : "MISSED", adapterLatency.at(95));
    }

    private static void row(String what, Percentiles p) {
        System.out.printf("| %s | %d | %.1f | %.1f | %.1f | %.1f |%n", what, p.count(), p.at(50), p.at(95), p.max(), p.min());
    }
}
