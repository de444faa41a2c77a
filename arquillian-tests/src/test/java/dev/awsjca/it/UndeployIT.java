package dev.awsjca.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Undeploying the adapter stops every thread it started (the cluster monitors and their probes) and closes
 * every database session it opened, and a redeploy starts clean: five times over. A probe war, deployed apart, looks at the server's threads.
 */
@ExtendWith(ArquillianExtension.class)
class UndeployIT {

    private static final String APP = "app";
    private static final int CYCLES = 5;

    @Deployment(name = "probe", order = 1, testable = false)
    static WebArchive probe() {
        return Deployments.probe();
    }

    @Deployment(name = APP, managed = false, testable = false)
    static EnterpriseArchive application() {
        return Deployments.application("awsjca-undeploy");
    }

    @ArquillianResource
    private Deployer deployer;

    @Test
    void undeployLeavesNoThreadOfTheAdapter(@ArquillianResource @OperateOnDeployment("probe") URL probe) throws Exception {
        URL app = new URL(probe, "/app/");
        long logStart = ServerLog.position();
        for (int i = 0; i < CYCLES; i++) {
            deployer.deploy(APP);
            assertEquals(ItCluster.FIRST, Http.get(app, "rows?op=inject"));
            assertFalse(threads(probe).isEmpty(), "the failover plugin watches the cluster while deployed");
            deployer.undeploy(APP);
            assertEquals(List.of(), awaitNoThreads(probe), "threads left after undeploy " + (i + 1));
            assertEquals(List.of(), awaitNoSessions(), "database sessions left after undeploy " + (i + 1));
        }
        List<String> errors = ServerLog.errorsSince(logStart);
        assertTrue(errors.isEmpty(), "server.log has errors:\n" + String.join("\n", errors));
    }

    private static List<String> threads(URL probe) throws Exception {
        String body = Http.get(probe, "threads");
        return body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }

    /** Sessions close with the adapter's stop(); the server may take a moment to see the socket close. */
    private static List<String> awaitNoSessions() throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> left = ItCluster.adapterSessions();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = ItCluster.adapterSessions();
        }
        return left;
    }

    /** Threads end shortly after the adapter's stop() returns: allow them a few seconds. */
    private static List<String> awaitNoThreads(URL probe) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> left = threads(probe);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = threads(probe);
        }
        return left;
    }
}
