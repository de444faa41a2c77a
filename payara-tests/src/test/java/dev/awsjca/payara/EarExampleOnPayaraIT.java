package dev.awsjca.payara;

import dev.awsjca.testkit.PgCluster;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11: the ear-example EAR exactly as the build made it (the one EarExampleIT deploys on WildFly) on
 * Payara. Its META-INF/glassfish-resources.xml makes the EAR's own pool on the rar inside it, in java:app/;
 * what differs per environment comes from the domain (system properties and a password alias), as
 * ear-example/README.md tells a user to set it up. An order is placed and listed; undeploying leaves no
 * database session; no SEVERE record.
 */
class EarExampleOnPayaraIT {

    private static final String EAR = "ear-example";
    private static final String DB = "orders";

    @Test
    void ordersArePlacedThroughThePoolTheEarBringsWithIt() throws Exception {
        PayaraDomain payara = PayaraDomain.get();
        PgCluster cluster = TestCluster.get();
        Adapter.undeployAll(); // the rar inside the EAR, not the standalone one: a user deploys one or the other
        cluster.createDatabase(DB);
        cluster.writer().execute("postgres", "ALTER DATABASE " + DB + " OWNER TO " + TestCluster.APP_USER);
        Adapter.createPasswordAlias("orders-db-password", cluster.password());
        Map<String, String> settings = new TreeMap<>();
        settings.put("orders.db.url", TestCluster.url(DB));
        settings.put("orders.db.user", TestCluster.APP_USER);
        settings.put("orders.db.instance-host-pattern", cluster.instanceHostPattern());
        payara.asadmin("create-system-properties", Adapter.asadminProperties(settings));
        long logStart = ServerLog.position();
        File ear = new File(System.getProperty("awsjca.it.ear", "target/deps/ear-example-ear.ear"));
        try {
            payara.asadmin("deploy", "--name", EAR, ear.getAbsolutePath());
            URL orders = payara.http("orders");
            String item = "book-" + UUID.randomUUID();
            HttpResponse<String> placed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(orders + "?item=" + item))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, placed.statusCode(), placed.body());
            assertTrue(Http.get(orders, "").contains(placed.body().trim() + " " + item), "the order is listed");
        } finally {
            payara.tryAsadmin("undeploy", EAR);
            for (String name : settings.keySet()) {
                payara.tryAsadmin("delete-system-property", name);
            }
        }
        assertEquals(0, awaitNoSessions(), "database sessions left after undeploying the EAR");
        assertEquals(List.of(), ServerLog.severeSince(logStart), "SEVERE records");
    }

    private static int awaitNoSessions() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int left = TestCluster.adapterSessions();
        while (left > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = TestCluster.adapterSessions();
        }
        return left;
    }
}
