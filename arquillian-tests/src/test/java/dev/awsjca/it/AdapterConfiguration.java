package dev.awsjca.it;

import dev.awsjca.testkit.PgCluster;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resource-adapters subsystem configuration of the tests, written through the management API exactly
 * as the README's jboss-cli commands write it: one resource adapter (the archive's activation) with
 * connection definitions, each a DataSource on one database of the test cluster.
 */
final class AdapterConfiguration {

    /** A connection definition: its name, JNDI name and database. */
    record Definition(String name, String jndiName, String database) {
    }

    private final ModelControllerClient client;
    private final String archive;

    /** @param archive the rar's deployment name, {@code app.ear#aws-advanced-jca.rar} for one inside an EAR */
    AdapterConfiguration(ModelControllerClient client, String archive) {
        this.client = client;
        this.archive = archive;
    }

    private ModelNode address() {
        return Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", archive);
    }

    void add(String transactionSupport, Map<String, String> overrides, Definition... definitions) throws IOException {
        PgCluster cluster = ItCluster.get();
        Operations.CompositeOperationBuilder ops = Operations.CompositeOperationBuilder.create();
        ModelNode addAdapter = Operations.createAddOperation(address());
        addAdapter.get("archive").set(archive);
        addAdapter.get("transaction-support").set(transactionSupport);
        ops.addStep(addAdapter);
        for (Definition d : definitions) {
            ModelNode definitionAddress = address().clone();
            definitionAddress.add("connection-definitions", d.name());
            ModelNode addDefinition = Operations.createAddOperation(definitionAddress);
            addDefinition.get("class-name").set("dev.awsjca.ra.AwsManagedConnectionFactory");
            addDefinition.get("jndi-name").set(d.jndiName());
            addDefinition.get("min-pool-size").set(0);
            addDefinition.get("max-pool-size").set(20);
            addDefinition.get("validate-on-match").set(true);
            if (transactionSupport.equals("XATransaction")) {
                addDefinition.get("recovery-username").set(cluster.superuser());
                addDefinition.get("recovery-password").set(cluster.password());
            }
            ops.addStep(addDefinition);
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("Url", Deployments.url(cluster, d.database()));
            properties.put("User", cluster.superuser());
            properties.put("Password", cluster.password());
            properties.put("Plugins", "failover");
            properties.put("ClusterInstanceHostPattern", cluster.instanceHostPattern());
            properties.putAll(overrides);
            properties.forEach((name, value) -> {
                ModelNode propertyAddress = definitionAddress.clone();
                propertyAddress.add("config-properties", name);
                ModelNode addProperty = Operations.createAddOperation(propertyAddress);
                addProperty.get("value").set(value);
                ops.addStep(addProperty);
            });
        }
        execute(ops.build().getOperation(), "configuring the adapter");
    }

    void remove() throws IOException {
        execute(Operations.createRemoveOperation(address()), "removing the adapter's configuration");
    }

    private void execute(ModelNode operation, String what) throws IOException {
        ModelNode result = client.execute(operation);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new AssertionError(what + " failed: " + Operations.getFailureDescription(result));
        }
    }
}
