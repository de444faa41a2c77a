package dev.awsjca.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every cluster this JVM started and has not closed: a shutdown hook stops them, so no server outlives the JVM. */
final class RunningClusters {

    private static final Set<PgCluster> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RunningClusters::closeAll, "testkit-shutdown"));
    }

    private RunningClusters() {
    }

    static void add(PgCluster cluster) {
        RUNNING.add(cluster);
    }

    static void remove(PgCluster cluster) {
        RUNNING.remove(cluster);
    }

    private static void closeAll() {
        List<PgCluster> all = new ArrayList<>(RUNNING);
        for (PgCluster cluster : all) {
            cluster.close();
        }
        InitdbTemplate.deleteAll();
    }
}
