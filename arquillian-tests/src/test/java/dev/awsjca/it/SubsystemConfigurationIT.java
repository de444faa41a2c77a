package dev.awsjca.it;

import dev.awsjca.testkit.PgCluster;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URL;
import java.util.LinkedHashMap;
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

    private static ModelNode adapterAddress() {
        return Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", RAR);
    }

    private void configure(String transactionSupport, Map<String, String> overrides) throws IOException {
        PgCluster cluster = ItCluster.get();
        Operations.CompositeOperationBuilder ops = Operations.CompositeOperationBuilder.create();
        ModelNode addAdapter = Operations.createAddOperation(adapterAddress());
        addAdapter.get("archive").set(RAR);
        addAdapter.get("transaction-support").set(transactionSupport);
        ops.addStep(addAdapter);
        String[][] definitions = {{"aws", Deployments.JNDI_FIRST, ItCluster.FIRST}, {"aws2", Deployments.JNDI_SECOND, ItCluster.SECOND}};
        for (String[] d : definitions) {
            ModelNode address = adapterAddress().clone();
            address.add("connection-definitions", d[0]);
            ModelNode addDefinition = Operations.createAddOperation(address);
            addDefinition.get("class-name").set("dev.awsjca.ra.AwsManagedConnectionFactory");
            addDefinition.get("jndi-name").set(d[1]);
            addDefinition.get("min-pool-size").set(0);
            addDefinition.get("max-pool-size").set(20);
            addDefinition.get("validate-on-match").set(true);
            if (transactionSupport.equals("XATransaction")) {
                addDefinition.get("recovery-username").set(cluster.superuser());
                addDefinition.get("recovery-password").set(cluster.password());
            }
            ops.addStep(addDefinition);
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("Url", Deployments.url(cluster, d[2]));
            properties.put("User", cluster.superuser());
            properties.put("Password", cluster.password());
            properties.put("Plugins", "failover");
            properties.put("ClusterInstanceHostPattern", cluster.instanceHostPattern());
            properties.putAll(overrides);
            properties.forEach((name, value) -> {
                ModelNode propertyAddress = address.clone();
                propertyAddress.add("config-properties", name);
                ModelNode addProperty = Operations.createAddOperation(propertyAddress);
                addProperty.get("value").set(value);
                ops.addStep(addProperty);
            });
        }
        execute(ops.build().getOperation());
    }

    private void unconfigure() throws IOException {
        ModelNode remove = Operations.createRemoveOperation(adapterAddress());
        ModelNode result = management.getControllerClient().execute(remove);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new AssertionError("removing the adapter's configuration failed: " + Operations.getFailureDescription(result));
        }
    }

    private void execute(ModelNode operation) throws IOException {
        ModelNode result = management.getControllerClient().execute(operation);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new AssertionError("management operation failed: " + Operations.getFailureDescription(result));
        }
    }

    private void undeployQuietly(String name) {
        try {
            deployer.undeploy(name);
        } catch (RuntimeException ignored) {
            // not deployed (the deployment failed)
        }
    }
}
