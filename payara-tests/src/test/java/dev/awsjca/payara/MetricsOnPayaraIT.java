package dev.awsjca.payara;

import dev.awsjca.testkit.PgCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter's JMX metrics in Payara: once an application used a pool, the pool's connection definition and
 * its cluster have their MBeans in the server's platform MBean server, where jconsole and JMX pollers look,
 * read by a probe war deployed apart.
 */
class MetricsOnPayaraIT {

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
