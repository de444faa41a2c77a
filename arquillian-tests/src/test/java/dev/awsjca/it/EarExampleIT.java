package dev.awsjca.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ear-example as a user deploys it: the EAR the build made (the rar and the application inside),
 * with the configuration of ear-example/README.md in the resource-adapters subsystem.
 */
@ExtendWith(ArquillianExtension.class)
class EarExampleIT {

    private static final String EAR = "ear-example.ear";

    @Deployment(name = "probe", order = 1, testable = false)
    static WebArchive probe() {
        return Deployments.probe();
    }

    @Deployment(name = "example", managed = false, testable = false)
    static EnterpriseArchive example() {
        File built = new File(System.getProperty("awsjca.it.ear", "target/deps/ear-example-ear.ear"));
        return ShrinkWrap.create(EnterpriseArchive.class, EAR).merge(ShrinkWrap.createFromZipFile(EnterpriseArchive.class, built));
    }

    @ArquillianResource
    private Deployer deployer;

    @ArquillianResource
    private ManagementClient management;

    @Test
    void ordersArePlacedInJtaTransactionsThroughTheAdapterInsideTheEar() throws Exception {
        AdapterConfiguration configuration = new AdapterConfiguration(management.getControllerClient(),
                EAR + "#aws-advanced-jca.rar");
        configuration.add("XATransaction", Map.of(),
                new AdapterConfiguration.Definition("orders", "java:/jdbc/orders", ItCluster.FIRST));
        long logStart = ServerLog.position();
        try {
            deployer.deploy("example");
            URL orders = new URL("http://127.0.0.1:" + System.getProperty("wildfly.http.port", "8280") + "/orders/");
            String item = "book-" + UUID.randomUUID();
            HttpResponse<String> placed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(orders + "?item=" + item)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, placed.statusCode(), placed.body());
            assertTrue(Http.get(orders, "").contains(placed.body() + " " + item));
            List<String> errors = ServerLog.errorsSince(logStart);
            assertTrue(errors.isEmpty(), "server.log has errors:\n" + String.join("\n", errors));
        } finally {
            try {
                deployer.undeploy("example");
            } finally {
                configuration.remove();
            }
        }
    }
}
