package dev.awsjca.benchmarks.readers;

import dev.awsjca.metrics.ClusterMXBean;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;

import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;

/**
 * The adapter's own view of a cluster, read through its JMX MBean: whether it lists every node and holds
 * none of them down. A run starts only from that view, so that it measures the loss of one reader out
 * of two; after the run, the same view tells whether the lost reader came back into use.
 */
final class AdapterTopology {

    /** @param waitedMs how long it took to see every node up, or -1 when it did not within the limit */
    record Seen(long waitedMs, String view) {

        boolean complete() {
            return waitedMs >= 0;
        }
    }

    private AdapterTopology() {
    }

    static Seen awaitComplete(PgCluster cluster, Duration limit) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        PgNode writer = cluster.writer();
        String writerEndpoint = writer.host() + ":" + writer.port();
        int nodes = cluster.nodes().size();
        long start = System.nanoTime();
        String view = "no cluster MBean with writer " + writerEndpoint;
        while (System.nanoTime() - start < limit.toNanos()) {
            // clusters of earlier runs may still be registered: only this cluster's writer counts
            for (ObjectName name : server.queryNames(new ObjectName("dev.awsjca:type=Cluster,*"), null)) {
                ClusterMXBean mbean = JMX.newMXBeanProxy(server, name, ClusterMXBean.class);
                if (!writerEndpoint.equals(mbean.getWriter())) {
                    continue;
                }
                String[] topology = mbean.getTopology();
                Map<String, String> states = mbean.getHostStates();
                view = String.join(", ", topology) + "; host states " + states;
                if (topology.length == nodes && !states.containsValue("down")) {
                    return new Seen((System.nanoTime() - start) / 1_000_000, view);
                }
            }
            Thread.sleep(100);
        }
        return new Seen(-1, view);
    }
}
