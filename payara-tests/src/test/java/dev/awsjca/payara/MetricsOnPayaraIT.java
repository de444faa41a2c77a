package dev.awsjca.payara;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awsjca.testkit.PgCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter's metrics in Payara: once an application used a pool, the pool's connection definition and its
 * cluster have their MBeans in the server's platform MBean server, where jconsole and JMX pollers look (read
 * by a probe war deployed apart); a pool with {@code Telemetry=emf} writes CloudWatch EMF lines into
 * server.log through Payara's logging.
 */
class MetricsOnPayaraIT {

    private static final String EMF_DEFINITION = "orders-payara";

    @AfterAll
    static void undeployProbe() {
        PayaraDomain.get().tryAsadmin("undeploy", Adapter.PROBE);
    }

    @Test
    void jmxShowsTheDefinitionAndItsClusterInTheServersMBeanServer() throws Exception {
        PayaraDomain payara = PayaraDomain.get();
        PgCluster cluster = TestCluster.get();
        cluster.restoreHealth();
        Adapter.ensureDeployed();
        payara.asadmin("deploy", "--force=true", "--name", Adapter.PROBE, "--contextroot", Adapter.PROBE,
                Adapter.probe().getAbsolutePath());
        URL probe = payara.http(Adapter.PROBE);
        assertEquals("committed", Http.get(payara.http(Adapter.APP), "rows?op=insert&sleep=0&id=" + UUID.randomUUID()));

        // no DefinitionName in the pool: the definition is named by its URL's first host and database
        String definition = "dev.awsjca:type=ConnectionDefinition,name=" + ObjectName.quote(cluster.clusterEndpoint().host()
                + ":" + cluster.clusterEndpoint().port() + "/" + TestCluster.FIRST);
        assertEquals(definition, mbeans(probe, "op=names&pattern=" + encode(definition)));
        String writer = cluster.writer().host() + ":" + cluster.writer().port();
        String byHost = attribute(probe, definition, "ConnectionsByHost");
        assertTrue(byHost.contains(writer + "="), "connections by host: " + byHost);
        assertEquals("jmx", attribute(probe, definition, "Telemetry"));
        String clusterName = "dev.awsjca:type=Cluster,name=" + ObjectName.quote(attribute(probe, definition, "Cluster"));
        assertEquals(writer, attribute(probe, clusterName, "Writer"));
        String states = attribute(probe, clusterName, "HostStates");
        assertTrue(states.contains(writer + "=up"), "host states: " + states);
    }

    @Test
    void emfLinesReachTheServerLogThroughPayarasLogging() throws Exception {
        PayaraDomain payara = PayaraDomain.get();
        PgCluster cluster = TestCluster.get();
        cluster.restoreHealth();
        Adapter.ensureDeployed();
        Map<String, String> properties = Adapter.standardProperties(TestCluster.FIRST);
        properties.put("Telemetry", "emf");
        properties.put("TelemetryIntervalS", "1");
        properties.put("DefinitionName", EMF_DEFINITION);
        long logStart = ServerLog.position();
        Adapter.createPool("emf", properties);
        try {
            payara.asadmin("create-connector-resource", "--poolname", "emf", "jdbc/emf");
            assertEquals(TestCluster.APP_USER, Http.get(payara.http(Adapter.APP),
                    "rows?op=as&jndi=jdbc/emf&commit=true&id=" + UUID.randomUUID()));
            ObjectMapper json = new ObjectMapper();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            JsonNode found = null;
            while (found == null && System.nanoTime() < deadline) {
                for (String line : ServerLog.since(logStart).split("\n")) {
                    int start = line.indexOf("{\"_aws\"");
                    if (start >= 0) {
                        assertFalse(line.contains(cluster.password()), "an EMF line shows the password");
                        JsonNode l = json.readTree(line.substring(start, line.lastIndexOf('}') + 1));
                        if (EMF_DEFINITION.equals(l.path("definition").asText()) && !l.has("instance")) {
                            found = l;
                        }
                    }
                }
                Thread.sleep(500);
            }
            assertTrue(found != null, "no EMF line of " + EMF_DEFINITION + " in server.log within 15 s");
            assertEquals(List.of("cluster", "definition"), List.of(found.at("/_aws/CloudWatchMetrics/0/Dimensions/0/0").asText(),
                    found.at("/_aws/CloudWatchMetrics/0/Dimensions/0/1").asText()));
            assertTrue(found.get("ConnectionsOpen").asInt() >= 1, found.toString());
        } finally {
            payara.tryAsadmin("delete-connector-connection-pool", "--cascade=true", "emf");
        }
    }

    private static String mbeans(URL probe, String query) {
        return Http.get(probe, "mbeans?" + query);
    }

    private static String attribute(URL probe, String name, String attribute) {
        return mbeans(probe, "op=attribute&name=" + encode(name) + "&attribute=" + attribute);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
