package dev.awsjca.benchmarks.readers;

import dev.awsjca.testkit.ClusterEvent;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reader under a read loop is lost: crashed (its server killed, so the client gets a reset at once)
 * or blackholed (packets held, so nothing tells the client; only the adapter's probes can). Each run has
 * a cluster and an application of its own, so that every run measures a first loss with the adapter in
 * the same state; after the fault ends, the run also waits for the adapter to take the reader back.
 */
final class ReaderLoss {

    enum Fault {
        CRASH, BLACKHOLE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param back the adapter's view once the fault ended (the crashed reader rejoined, the blackhole
     *             healed): how long until it listed every node and none down, or -1
     */
    record Run(Fault fault, int number, String lostNode, String writerInstance, long faultCallMs, Outage outage,
               AdapterTopology.Seen back) {
    }

    // far beyond any goal: a run that needs this long is reported as not recovered
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(30);
    private static final Duration BACK_LIMIT = Duration.ofSeconds(20);

    private ReaderLoss() {
    }

    static List<Run> measure(Fault fault, int runs) throws Exception {
        List<Run> result = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            try (PgCluster cluster = PgCluster.builder().replicas(2).start()) {
                TestDatabase db = cluster.createDatabase("readers");
                String url = ReaderScenarios.url(cluster, db);
                if (i == 1) {
                    System.out.println("url (first run; each cluster has its own port): " + url);
                }
                ReadLoop loop = new ReadLoop(url, db.credentials());
                Thread app = new Thread(loop, "read loop");
                app.start();
                try {
                    result.add(once(cluster, loop, fault, i));
                } finally {
                    loop.stop();
                    app.join(30_000);
                }
            }
        }
        return result;
    }

    private static Run once(PgCluster cluster, ReadLoop loop, Fault fault, int number) throws Exception {
        PgNode reader = awaitReadingOnAReader(cluster, loop);
        Outage outage = loop.watch(reader.instanceId());
        ClusterEvent event = fault == Fault.CRASH ? cluster.crash(reader) : cluster.blackhole(reader);
        long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
        while (!outage.resumed() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (fault == Fault.CRASH) {
            cluster.rejoin(reader);
        } else {
            cluster.heal(reader);
        }
        AdapterTopology.Seen back = AdapterTopology.awaitComplete(cluster, BACK_LIMIT);
        Run run = new Run(fault, number, reader.name(), cluster.writer().instanceId(), event.duration().toMillis(), outage, back);
        System.out.printf("%s %d: %s (instance %s) lost; %s; failed reads %d, first: %s; the testkit's %s took %d ms;"
                        + " after the %s: %s%n",
                fault.label(), number, reader.name(), reader.instanceId(),
                outage.resumed() ? "next read answered by instance " + outage.resumedOn() + " after " + outage.millis() + " ms"
                        : "no read answered elsewhere within " + RECOVERY_LIMIT.toSeconds() + " s",
                outage.failedReads(), outage.firstError() == null ? "none" : outage.firstError(), fault.label(), run.faultCallMs(),
                fault == Fault.CRASH ? "rejoin" : "heal",
                back.complete() ? "the adapter saw every node up " + back.waitedMs() + " ms later"
                        : "the adapter still did not see every node up " + BACK_LIMIT.toSeconds() + " s later: " + back.view());
        return run;
    }

    /**
     * The reader the loop reads on, once the adapter sees every node up and the loop has read for a while
     * (so that the reader probes have measured every reader).
     */
    private static PgNode awaitReadingOnAReader(PgCluster cluster, ReadLoop loop) throws Exception {
        AdapterTopology.Seen seen = AdapterTopology.awaitComplete(cluster, Duration.ofSeconds(60));
        if (!seen.complete()) {
            throw new IllegalStateException("the adapter did not see every node up within 60 s: " + seen.view());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Thread.sleep(2000);
            String instance = loop.lastInstance();
            boolean fresh = System.nanoTime() - loop.lastAnswerNanos() < TimeUnit.MILLISECONDS.toNanos(200);
            if (instance != null && fresh) {
                PgNode node = cluster.node(instance);
                if (cluster.replicas().contains(node)) {
                    return node;
                }
            }
        }
        throw new IllegalStateException("the read loop did not read on a replica within 60 s; last answer from instance "
                + loop.lastInstance());
    }
}
