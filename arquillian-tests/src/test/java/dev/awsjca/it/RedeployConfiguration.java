package dev.awsjca.it;

import dev.awsjca.testkit.PgCluster;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;

import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RedeployIT's adapter, configured the production way in the resource-adapters subsystem (the rar carries
 * no ironjacamar.xml): two XA connection definitions, one per database, with the failover and host
 * monitoring plugins, so that each cycle runs the adapter's threads and two-phase commits. The
 * configuration stays while the archive is deployed and undeployed: WildFly activates it at each deploy.
 */
final class RedeployConfiguration {

    static final List<String> DATABASES = List.of("redeploy_a", "redeploy_b");
    private static final int MAX_POOL = 5;
    /**
     * What a deployed adapter may hold open: each pool's maximum, and per definition a topology monitor
     * and a host monitor connection to each of the cluster's two nodes.
     */
    static final int MAX_SESSIONS = DATABASES.size() * (MAX_POOL + 2 * 2);

    private final ManagementClient management;
    private final PgCluster cluster;

    RedeployConfiguration(ManagementClient management, PgCluster cluster) {
        this.management = management;
        this.cluster = cluster;
    }

    private static ModelNode adapterAddress() {
        return Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", RedeployIT.RAR);
    }

    void add() throws IOException {
        Operations.CompositeOperationBuilder ops = Operations.CompositeOperationBuilder.create();
        ModelNode addAdapter = Operations.createAddOperation(adapterAddress());
        addAdapter.get("archive").set(RedeployIT.RAR);
        addAdapter.get("transaction-support").set("XATransaction");
        ops.addStep(addAdapter);
        for (String db : DATABASES) {
            addDefinition(ops, db);
        }
        execute(ops.build().getOperation());
    }

    void remove() throws IOException {
        execute(Operations.createRemoveOperation(adapterAddress()));
    }

    /**
     * Deploys the rar the build made, read in place (an unmanaged deployment, as {@code deploy --unmanaged}
     * does): each cycle then costs the server's deployment work only, not a copy of the 14 MB archive.
     */
    void deployRar() throws IOException {
        ModelNode add = Operations.createAddOperation(Operations.createAddress("deployment", RedeployIT.RAR));
        ModelNode content = new ModelNode();
        content.get("path").set(new File(System.getProperty("awsjca.it.rar", "target/deps/rar.rar")).getAbsolutePath());
        content.get("archive").set(true);
        add.get("content").add(content);
        add.get("enabled").set(true);
        execute(add);
    }

    void undeployRar() throws IOException {
        execute(Operations.createRemoveOperation(Operations.createAddress("deployment", RedeployIT.RAR)));
    }

    /** Undeploys the rar if it is deployed (clean-up after a failure). */
    void undeployRarQuietly() {
        try {
            undeployRar();
        } catch (IOException | AssertionError ignored) {
            // not deployed
        }
    }

    private void addDefinition(Operations.CompositeOperationBuilder ops, String db) {
        ModelNode address = adapterAddress().clone();
        address.add("connection-definitions", db);
        ModelNode add = Operations.createAddOperation(address);
        add.get("class-name").set("dev.awsjca.ra.AwsManagedConnectionFactory");
        add.get("jndi-name").set("java:/jdbc/" + db.replace('_', '-'));
        add.get("min-pool-size").set(0);
        add.get("max-pool-size").set(MAX_POOL);
        add.get("validate-on-match").set(true);
        add.get("recovery-username").set(cluster.superuser());
        add.get("recovery-password").set(cluster.password());
        ops.addStep(add);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("Url", Deployments.url(cluster, db));
        properties.put("User", cluster.superuser());
        properties.put("Password", cluster.password());
        properties.put("Plugins", "failover,hostMonitoring");
        properties.put("ClusterInstanceHostPattern", cluster.instanceHostPattern());
        properties.forEach((property, value) -> {
            ModelNode propertyAddress = address.clone();
            propertyAddress.add("config-properties", property);
            ModelNode addProperty = Operations.createAddOperation(propertyAddress);
            addProperty.get("value").set(value);
            ops.addStep(addProperty);
        });
    }

    private void execute(ModelNode operation) throws IOException {
        ModelNode result = management.getControllerClient().execute(operation);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new AssertionError("management operation failed: " + Operations.getFailureDescription(result));
        }
    }
}
