package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How test classes share clusters: reused while healthy, faults healed between classes, replaced when broken. */
@Timeout(120)
class SharedClustersTest {

    @Test
    void reusesAHealthyClusterAndReplacesABrokenOne() {
        // a configuration no other test class uses, so this test owns its shared cluster
        ClusterSpec spec = PgCluster.builder().replicas(1).endpointLag(Duration.ofMillis(1)).spec();
        PgCluster first = SharedClusters.get(spec);
        PgCluster replacement = null;
        try {
            assertSame(first, SharedClusters.get(spec));

            first.blackhole(first.writer());
            SharedClusters.release(spec, first);
            assertEquals(Fault.NONE, first.fault(first.writer()), "faults are healed between classes");
            assertFalse(first.isClosed());
            assertSame(first, SharedClusters.get(spec));

            first.crash(first.replicas().get(0));
            SharedClusters.release(spec, first);
            assertTrue(first.isClosed(), "a cluster with a node down is not handed on");
            replacement = SharedClusters.get(spec);
            assertNotSame(first, replacement);
            assertTrue(replacement.isHealthy());
        } finally {
            first.close();
            if (replacement != null) {
                replacement.close();
            }
        }
    }
}
