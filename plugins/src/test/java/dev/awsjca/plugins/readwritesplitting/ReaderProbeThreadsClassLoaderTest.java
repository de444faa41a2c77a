package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.fakes.FakeCluster;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.PostgresDialect;
import dev.awsjca.topology.TopologyEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader probes of read/write splitting start with a cluster's first reader connection, on whatever
 * thread opens it: often an application's request thread. Their threads must carry the adapter's class
 * loader, not that application's (issue 12's defect 7, in threads that were not made by AdapterThreads).
 */
@Timeout(20)
class ReaderProbeThreadsClassLoaderTest {

    @Test
    void theReaderProbesCarryTheAdaptersClassLoaderNotTheApplications() throws Exception {
        FakeCluster fake = new FakeCluster();
        FakeCluster.Node writer = fake.node("writer.readers.fake", 5432);
        writer.writer = true;
        ClassLoader original = Thread.currentThread().getContextClassLoader();
        try (ClusterMonitor cluster = new ClusterMonitor("readers-loader", new PostgresDialect(),
                new TopologyEndpoints(null, List.of(writer.host())), fake.hostConnector(), 1000);
             URLClassLoader application = new URLClassLoader("application", new URL[0], original)) {
            Thread.currentThread().setContextClassLoader(application);
            ClusterReaders readers;
            try {
                readers = new ClusterReaders(cluster, ReaderSelector.of("roundRobin"), fake.hostConnector(), 100, 3);
            } finally {
                Thread.currentThread().setContextClassLoader(original);
            }
            try {
                List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith(ClusterReaders.THREAD_NAME)).toList();
                assertFalse(threads.isEmpty(), "the reader probes' scheduler runs");
                for (Thread t : threads) {
                    assertNotSame(application, t.getContextClassLoader(), t.getName() + " keeps the application's class loader");
                    assertTrue(t.isDaemon());
                }
            } finally {
                readers.close();
            }
        }
    }
}
