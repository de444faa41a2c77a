package dev.awsjca.it;

import dev.awsjca.testkit.PgCluster;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production way: the rar exactly as built, configured in the resource-adapters subsystem through
 * the management API (what the README's jboss-cli commands do), and the application deployed apart.
 * A bad config-property fails the activation with a message naming it.
 */
@ExtendWith(ArquillianExtension.class)
class SubsystemConfigurationIT {

    private static final String RAR = "aws-advanced-jca.rar";

    /** Deployed by Arquillian itself, so that the test has a container context (the management client). */
    @Deployment(name = "probe", order = 1, testable = false)
    static WebArchive probe() {
        return Deployments.probe();
    }

    @Deployment(name = "rar", managed = false, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.productionResourceAdapter();
    }

    @Deployment(name = "app", managed = false, testable = false)
    static WebArchive app() {
        return Deployments.applicationWar();
    }

    @ArquillianResource
    private Deployer deployer;

    @ArquillianResource
    private ManagementClient management;

    @Test
    void aConnectionDefinitionFromTheSubsystemServesJtaWork() throws Exception {
        PgCluster cluster = ItCluster.get();
        long logStart = ServerLog.position();
        configure("XATransaction", Map.of());
        try {
            deployer.deploy("rar");
            deployer.deploy("app");
            URL app = new URL("http://127.0.0.1:" + System.getProperty("wildfly.http.port", "8280") + "/app/");
            assertEquals(ItCluster.FIRST, Http.get(app, "rows?op=inject"));
            String id = UUID.randomUUID().toString();
            assertEquals("ok", Http.get(app, "rows?op=xa&commit=true&id=" + id));
            assertEquals(1, ItCluster.count(ItCluster.FIRST, id));
            assertEquals(1, ItCluster.count(ItCluster.SECOND, id));
            List<String> errors = ServerLog.errorsSince(logStart);
            assertTrue(errors.isEmpty(), "server.log has errors:\n" + String.join("\n", errors));
        } finally {
            undeployQuietly("app");
            undeployQuietly("rar");
            unconfigure();
        }
        assertTrue(cluster.isHealthy());
    }

    @Test
    void aBadConfigPropertyFailsTheDeploymentNamingIt() throws Exception {
        long logStart = ServerLog.position();
        configure("XATransaction", Map.of("FailoverTimeoutMs", "-5"));
        try {
            Exception e = assertThrows(Exception.class, () -> deployer.deploy("rar"));
            String log = String.join("\n", ServerLog.errorsSince(logStart));
            String all = e + "\n" + log;
            assertTrue(all.contains("'FailoverTimeoutMs'") && all.contains("'-5'"), all);
        } finally {
            undeployQuietly("rar");
            unconfigure();
        }
    }

    /** The same adapter run by the container as a local (one-phase) resource: its LocalTransaction. */
    @Test
    void aLocalTransactionDefinitionCommitsAndRollsBack() throws Exception {
        long logStart = ServerLog.position();
        configure("LocalTransaction", Map.of());
        try {
            deployer.deploy("rar");
            deployer.deploy("app");
            URL app = new URL("http://127.0.0.1:" + System.getProperty("wildfly.http.port", "8280") + "/app/");
            for (String op : new String[] {"cmt", "bmt"}) {
                String kept = UUID.randomUUID().toString();
                String dropped = UUID.randomUUID().toString();
                assertEquals("ok", Http.get(app, "rows?op=" + op + "&commit=true&id=" + kept));
                assertEquals("ok", Http.get(app, "rows?op=" + op + "&commit=false&id=" + dropped));
                assertEquals(1, ItCluster.count(ItCluster.FIRST, kept), op);
                assertEquals(0, ItCluster.count(ItCluster.FIRST, dropped), op);
            }
            List<String> errors = ServerLog.errorsSince(logStart);
            assertTrue(errors.isEmpty(), "server.log has errors:\n" + String.join("\n", errors));
        } finally {
            undeployQuietly("app");
            undeployQuietly("rar");
            unconfigure();
        }
    }

    // ---- the subsystem configuration, as the README's jboss-cli commands write it

    private void configure(String transactionSupport, Map<String, String> overrides) throws IOException {
        new AdapterConfiguration(management.getControllerClient(), RAR).add(transactionSupport, overrides,
                new AdapterConfiguration.Definition("aws", Deployments.JNDI_FIRST, ItCluster.FIRST),
                new AdapterConfiguration.Definition("aws2", Deployments.JNDI_SECOND, ItCluster.SECOND));
    }

    private void unconfigure() throws IOException {
        new AdapterConfiguration(management.getControllerClient(), RAR).remove();
    }

    private void undeployQuietly(String name) {
        try {
            deployer.undeploy(name);
        } catch (RuntimeException ignored) {
            // not deployed (the deployment failed)
        }
    }
}
