package dev.awsjca.testkit;

import java.util.HashMap;
import java.util.Map;

/**
 * One running cluster per configuration, shared by the test classes of this JVM so the suite starts
 * few clusters on 2 cores. A cluster found unhealthy (a node down after a failover test) is replaced
 * rather than handed on; the shutdown hook in {@link RunningClusters} stops what is left.
 */
final class SharedClusters {

    private static final Map<ClusterSpec, PgCluster> CLUSTERS = new HashMap<>();

    private SharedClusters() {
    }

    static synchronized PgCluster get(ClusterSpec spec) {
        PgCluster cluster = CLUSTERS.get(spec);
        if (cluster != null && !cluster.isClosed()) {
            return cluster;
        }
        cluster = PgCluster.start(spec, null);
        CLUSTERS.put(spec, cluster);
        return cluster;
    }

    /** After a test class: heals proxy faults; a cluster with a node down (or a new writer) is retired. */
    static synchronized void release(ClusterSpec spec, PgCluster cluster) {
        if (cluster.isClosed()) {
            CLUSTERS.remove(spec, cluster);
            return;
        }
        cluster.healAll();
        if (!cluster.isHealthy()) {
            CLUSTERS.remove(spec, cluster);
            cluster.close();
        }
    }
}
