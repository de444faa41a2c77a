package dev.awsjca.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awsjca.it.metrics.MetricsServlet;
import dev.awsjca.testapp.probe.MBeansServlet;
import dev.awsjca.testkit.PgCluster;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics in WildFly: a connection definition named by DefinitionName with Telemetry=emf; its MBean and
 * its cluster's, read from the server's platform MBean server (what jconsole shows), and its EMF lines in
 * server.log through WildFly's logging.
 */
@ExtendWith(ArquillianExtension.class)
class MetricsIT {

    private static final String DEFINITION = "orders-it";

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        PgCluster cluster = ItCluster.get();
        Map<String, String> properties = Map.of("Plugins", "failover,hostMonitoring",
                "ClusterInstanceHostPattern", cluster.instanceHostPattern(), "DefinitionName", DEFINITION,
                "Telemetry", "emf", "TelemetryIntervalS", "1");
        return ShrinkWrap.create(EnterpriseArchive.class, "awsjca-metrics.ear")
                .addAsModule(Deployments.resourceAdapter(Deployments.ironjacamarXml(Deployments.connectionDefinition(
                        "java:/jdbc/metrics", "metrics", Deployments.url(cluster, ItCluster.FIRST), cluster.superuser(),
                        properties, 5, cluster))))
                .addAsModule(ShrinkWrap.create(WebArchive.class, "metrics.war").addClass(MetricsServlet.class)
                        .addClass(MBeansServlet.class));
    }

    @ArquillianResource
    private URL base;

    /** One use of the metrics definition through the application. */
    private String use() throws Exception {
        return Http.get(base, "metrics");
    }

    private String mbeans(String query) throws Exception {
        return Http.get(base, "mbeans?" + query);
    }

    private String attribute(String name, String attribute) throws Exception {
        return mbeans("op=attribute&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&attribute=" + attribute);
    }

    @Test
    void jmxShowsTheDefinitionAndItsClusterInTheServersMBeanServer() throws Exception {
        assertEquals("ok", use());
        PgCluster cluster = ItCluster.get();
        String writer = cluster.writer().host() + ":" + cluster.writer().port();
        String definition = "dev.awsjca:type=ConnectionDefinition,name=\"" + DEFINITION + "\"";
        assertEquals(definition, mbeans("op=names&pattern=" + URLEncoder.encode("dev.awsjca:type=ConnectionDefinition,name=\""
                + DEFINITION + "\"", StandardCharsets.UTF_8)));
        assertEquals("emf", attribute(definition, "Telemetry"));
        assertEquals("reader=0\nwriter=0", attribute(definition, "Routed"));
        assertTrue(attribute(definition, "ConnectionsByHost").contains(writer + "="), attribute(definition, "ConnectionsByHost"));
        assertTrue(Long.parseLong(attribute(definition, "LastConnectTimeMs")) >= 0);
        assertEquals("0", attribute(definition, "FailoversSucceeded"));
        String clusterKey = attribute(definition, "Cluster");
        // the cluster key names the pattern, then the database and user its monitor probes with
        assertTrue(clusterKey.contains("@" + cluster.instanceHostPattern() + "/"), clusterKey);
        String clusterName = "dev.awsjca:type=Cluster,name=" + javax.management.ObjectName.quote(clusterKey);
        assertEquals(writer, attribute(clusterName, "Writer"));
        assertTrue(attribute(clusterName, "HostStates").contains(writer + "=up"), attribute(clusterName, "HostStates"));
    }

    @Test
    void emfLinesReachTheServerLogThroughWildFlysLogging() throws Exception {
        assertEquals("ok", use());
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        JsonNode found = null;
        while (found == null && System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                int json0 = line.indexOf("{\"_aws\"");
                if (line.contains("[dev.awsjca.metrics.emf]") && json0 >= 0) {
                    JsonNode l = json.readTree(line.substring(json0));
                    if (DEFINITION.equals(l.path("definition").asText()) && !l.has("instance")) {
                        found = l;
                    }
                    assertFalse(line.contains(ItCluster.get().password()), "an EMF line shows the password");
                }
            }
            Thread.sleep(500);
        }
        assertTrue(found != null, "no EMF line of " + DEFINITION + " in server.log within 15 s");
        assertEquals(List.of("cluster", "definition"), List.of(found.at("/_aws/CloudWatchMetrics/0/Dimensions/0/0").asText(),
                found.at("/_aws/CloudWatchMetrics/0/Dimensions/0/1").asText()));
        assertTrue(found.get("ConnectionsOpen").asInt() >= 1, found.toString());
    }
}
