package dev.awsjca.testkit;

/** Run in a JVM of its own by {@link WatchdogTest}: starts a cluster, says where, and waits to be killed. */
public final class OrphanedClusterMain {

    private OrphanedClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        PgCluster cluster = PgCluster.builder().replicas(1).start();
        System.out.println(cluster.directory() + " " + cluster.writer().host() + " " + cluster.writer().serverPort());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
