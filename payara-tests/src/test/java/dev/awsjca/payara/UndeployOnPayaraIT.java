package dev.awsjca.payara;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Undeploying the adapter from Payara (its pools and resources deleted, then {@code undeploy}) stops every
 * thread it started and closes every database session it opened, and a redeploy starts clean: five times
 * over. A probe war, deployed apart, looks at the server's threads.
 */
class UndeployOnPayaraIT {

    private static final int CYCLES = 5;

    @Test
    void undeployLeavesNoThreadAndNoSessionOfTheAdapter() throws Exception {
        PayaraDomain payara = PayaraDomain.get();
        payara.asadmin("deploy", "--name", Adapter.PROBE, "--contextroot", Adapter.PROBE, Adapter.probe().getAbsolutePath());
        URL probe = payara.http(Adapter.PROBE);
        TestCluster.get().restoreHealth();
        Adapter.ensureDeployed();
        long logStart = ServerLog.position();

        // the application stays deployed (a deploy of it costs 20 s); it looks the DataSource up per request
        URL app = payara.http(Adapter.APP);
        for (int i = 1; i <= CYCLES; i++) {
            if (i > 1) {
                Adapter.deployRar();
                Adapter.createPool("aws", Adapter.standardProperties(TestCluster.FIRST));
                payara.asadmin("create-connector-resource", "--poolname", "aws", "jdbc/aws");
                Adapter.createPool("aws2", Adapter.standardProperties(TestCluster.SECOND));
            }
            assertEquals(TestCluster.APP_USER, Http.get(app, "rows?op=as&jndi=jdbc/aws&commit=true&id=" + UUID.randomUUID()));
            assertFalse(threads(probe).isEmpty(), "the failover plugin watches the cluster while deployed");
            Adapter.undeployAdapter();
            assertNothingLeft(probe, i);
        }
        assertEquals(List.of(), ServerLog.severeSince(logStart), "SEVERE records during the cycles");
    }

    private static void assertNothingLeft(URL probe, int cycle) throws InterruptedException {
        assertEquals(List.of(), awaitNoThreads(probe), "adapter threads left after undeploy " + cycle);
        assertEquals(0, awaitNoSessions(), "database sessions left after undeploy " + cycle);
    }

    @AfterAll
    static void undeployApplications() {
        PayaraDomain.get().tryAsadmin("undeploy", Adapter.APP);
        PayaraDomain.get().tryAsadmin("undeploy", Adapter.PROBE);
    }

    private static List<String> threads(URL probe) {
        String body = Http.get(probe, "threads");
        return body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }

    private static int awaitNoSessions() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int left = TestCluster.adapterSessions();
        while (left > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = TestCluster.adapterSessions();
        }
        return left;
    }

    private static List<String> awaitNoThreads(URL probe) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> left = threads(probe);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = threads(probe);
        }
        return left;
    }
}
