package dev.awsjca.plugins;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, defect 7: threads the adapter starts while serving an application's thread (the cluster
 * monitor, its probes, the host monitor) must not carry that application's class loader, or an
 * undeployed application stays in memory as long as the adapter runs. Here the "application" is a
 * class loader of its own set as the context class loader of the thread that opens the connection.
 */
@WithPgCluster(replicas = 0)
@Timeout(60)
class AdapterThreadsClassLoaderTest {

    private final PgCluster cluster;

    AdapterThreadsClassLoaderTest(PgCluster cluster) {
        this.cluster = cluster;
    }

    @Test
    void threadsStartedForAnApplicationCarryTheAdaptersClassLoader() throws Exception {
        ClassLoader original = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader application = new URLClassLoader("application", new URL[0], original)) {
            Thread.currentThread().setContextClassLoader(application);
            String url = "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port()
                    + "/postgres?plugins=failover,hostMonitoring&clusterInstanceHostPattern="
                    + java.net.URLEncoder.encode(cluster.instanceHostPattern(), "UTF-8");
            try (Connection c = DriverManager.getConnection(url, cluster.superuser(), cluster.password());
                 Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(1.2)"); // long enough for the host monitor to start probing
                List<Thread> adapters = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("aws-jca-")).collect(Collectors.toList());
                assertFalse(adapters.isEmpty(), "the cluster and host monitors run");
                assertTrue(adapters.stream().anyMatch(t -> t.getName().startsWith("aws-jca-topology")), "threads: " + adapters);
                assertTrue(adapters.stream().anyMatch(t -> t.getName().startsWith("aws-jca-host-monitor")), "threads: " + adapters);
                List<String> holdingTheApplication = adapters.stream()
                        .filter(t -> t.getContextClassLoader() == application)
                        .map(Thread::getName).sorted().collect(Collectors.toList());
                assertEquals(List.of(), holdingTheApplication, "threads keeping the application's class loader");
                for (Thread t : adapters) {
                    assertTrue(t.isDaemon(), t.getName() + " would keep a plain Java application's JVM running");
                }
            }
        } finally {
            Thread.currentThread().setContextClassLoader(original);
        }
    }
}
