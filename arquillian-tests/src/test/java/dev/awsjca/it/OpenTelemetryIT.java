package dev.awsjca.it;

import dev.awsjca.it.metrics.MetricsServlet;
import dev.awsjca.testkit.PgCluster;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.arquillian.setup.SnapshotServerSetupTask;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code telemetry=otel} in WildFly with the OpenTelemetry the server configures: WildFly's opentelemetry
 * subsystem (added to the stock standalone.xml as a user would) exports OTLP over HTTP, every second, to a
 * collector stand-in on 127.0.0.1 that this test runs. Two shapes: the rar as built, deployed on its own and
 * configured in the resource-adapters subsystem, with an application in a war of its own; and the rar and
 * the application in one EAR. An application uses the DataSource once; the adapter's metrics must arrive at
 * the collector from the SDK the server made for the deployment (its service.name is the deployment's
 * name), and nothing the server sends (metrics, or the log records the subsystem exports too) may hold
 * the database password.
 */
@ExtendWith(ArquillianExtension.class)
@ServerSetup(OpenTelemetryIT.ServerOpenTelemetry.class)
class OpenTelemetryIT {

    private static final String RAR = "aws-advanced-jca.rar";
    private static final String DEFINITION = "orders-otel";
    private static final String EAR = "awsjca-otel.ear";
    private static final String EAR_DEFINITION = "orders-otel-ear";
    private static final String POOL = "db.client.connection.pool.name";

    private static volatile OtlpReceiver collector;

    /** The server's OpenTelemetry and the adapter's configuration; the server's snapshot is restored afterwards. */
    public static class ServerOpenTelemetry extends SnapshotServerSetupTask {

        @Override
        protected void doSetup(ManagementClient client, String containerId) throws Exception {
            collector = new OtlpReceiver();
            executeOperation(client, Operations.createAddOperation(Operations.createAddress("extension",
                    "org.wildfly.extension.opentelemetry")));
            ModelNode subsystem = Operations.createAddOperation(Operations.createAddress("subsystem", "opentelemetry"));
            subsystem.get("exporter-type").set("otlp");
            subsystem.get("endpoint").set(collector.endpoint());
            executeOperation(client, subsystem);
            // the subsystem has no attribute for these: its SDKs are autoconfigured, and system properties
            // come before the subsystem's values there. gRPC is its default protocol; the stand-in speaks HTTP
            systemProperty(client, "otel.exporter.otlp.protocol", "http/protobuf");
            systemProperty(client, "otel.metric.export.interval", "1000");
            new AdapterConfiguration(client.getControllerClient(), RAR).add("LocalTransaction",
                    Map.of("Plugins", "failover,hostMonitoring", "DefinitionName", DEFINITION, "Telemetry", "otel"),
                    new AdapterConfiguration.Definition("otel", "java:/jdbc/metrics", ItCluster.FIRST));
        }

        private void systemProperty(ManagementClient client, String name, String value) throws Exception {
            ModelNode add = Operations.createAddOperation(Operations.createAddress("system-property", name));
            add.get("value").set(value);
            executeOperation(client, add);
        }

        @Override
        protected void nonManagementCleanUp() {
            if (collector != null) {
                collector.close();
            }
        }
    }

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
        return ShrinkWrap.create(WebArchive.class, "otel.war").addClass(MetricsServlet.class);
    }

    /** The ear-example's shape: the rar (activated by a test-only ironjacamar.xml) and the application in one EAR. */
    @Deployment(name = "ear", managed = false, testable = false)
    static EnterpriseArchive ear() {
        PgCluster cluster = ItCluster.get();
        return ShrinkWrap.create(EnterpriseArchive.class, EAR)
                .addAsModule(Deployments.resourceAdapter(Deployments.ironjacamarXml(Deployments.connectionDefinition(
                        "java:/jdbc/metrics", "metrics-ear", Deployments.url(cluster, ItCluster.FIRST), cluster.superuser(),
                        Map.of("Plugins", "failover,hostMonitoring", "ClusterInstanceHostPattern", cluster.instanceHostPattern(),
                                "DefinitionName", EAR_DEFINITION, "Telemetry", "otel"), 5, cluster))))
                .addAsModule(ShrinkWrap.create(WebArchive.class, "otel-ear.war").addClass(MetricsServlet.class));
    }

    @ArquillianResource
    private Deployer deployer;

    /** The production way: the rar deployed on its own, configured in the resource-adapters subsystem. */
    @Test
    void aRarOfItsOwnReportsThroughTheSdkTheServerMadeForIt() throws Exception {
        long logStart = ServerLog.position();
        try {
            deployer.deploy("rar");
            deployer.deploy("app");
            metricsArrive("otel", DEFINITION, RAR::equals);
        } finally {
            deployer.undeploy("app");
            deployer.undeploy("rar");
        }
        List<String> errors = ServerLog.errorsSince(logStart);
        assertTrue(errors.isEmpty(), "server.log has errors:\n" + String.join("\n", errors));
    }

    /**
     * In an EAR the rar reports to the application's SDK. WildFly makes its CDI extension once per module, and
     * the SDK the EAR's one container gives out is named after the EAR and a module (seen: {@code
     * awsjca-otel.ear!otel-ear.war}).
     */
    @Test
    void aRarInsideAnEarReportsThroughTheEarsSdk() throws Exception {
        long logStart = ServerLog.position();
        try {
            deployer.deploy("ear");
            metricsArrive("otel-ear", EAR_DEFINITION, name -> name.startsWith(EAR));
        } finally {
            deployer.undeploy("ear");
        }
        List<String> errors = ServerLog.errorsSince(logStart);
        assertTrue(errors.isEmpty(), "server.log has errors:\n" + String.join("\n", errors));
    }

    /**
     * One use of the definition through the application, then, within 30 s, its connect time, its connection
     * on the writer and the writer's state at the collector, from an SDK whose name {@code service} accepts; no statement
     * in any of our attributes, and the password in nothing the server sent.
     */
    private static void metricsArrive(String context, String definition, Predicate<String> service) throws Exception {
        URL app = new URL("http://127.0.0.1:" + System.getProperty("wildfly.http.port", "8280") + "/" + context + "/");
        int requestsBefore = collector.requests().size();
        assertEquals("ok", Http.get(app, "metrics"));
        PgCluster cluster = ItCluster.get();
        String writerHost = cluster.writer().host();

        Predicate<OtlpReceiver.Point> createTime = p -> p.metric().equals("db.client.connection.create_time")
                && definition.equals(p.attributes().get(POOL)) && p.value() >= 1;
        Predicate<OtlpReceiver.Point> connections = p -> p.metric().equals("awsjca.connection.count")
                && definition.equals(p.attributes().get(POOL)) && writerHost.equals(p.attributes().get("server.address"))
                && p.value() >= 1;
        Predicate<OtlpReceiver.Point> writerUp = p -> p.metric().equals("awsjca.host.state")
                && writerHost.equals(p.attributes().get("server.address")) && "up".equals(p.attributes().get("awsjca.host.state"))
                && p.value() == 1;
        List<OtlpReceiver.Point> ours = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            ours = collector.points(requestsBefore).stream().filter(p -> "dev.awsjca".equals(p.scope())).toList();
            if (ours.stream().anyMatch(createTime) && ours.stream().anyMatch(connections) && ours.stream().anyMatch(writerUp)) {
                break;
            }
            Thread.sleep(500);
        }
        List<String> names = ours.stream().map(OtlpReceiver.Point::metric).distinct().sorted().toList();
        List<String> services = ours.stream().map(OtlpReceiver.Point::service).distinct().toList();
        System.out.println(services + ": metrics of scope dev.awsjca received: " + names);
        assertTrue(ours.stream().anyMatch(createTime), "db.client.connection.create_time of " + definition + " within 30 s; got "
                + names + " from " + collector.requests().size() + " requests");
        assertTrue(ours.stream().anyMatch(connections), "awsjca.connection.count on the writer: " + names);
        assertTrue(ours.stream().anyMatch(writerUp), "awsjca.host.state up for the writer: " + names);
        // the SDK is the one WildFly's subsystem made for the deployment, named after it
        assertTrue(services.size() == 1 && service.test(services.get(0)), "the SDKs' service.name: " + services);
        for (OtlpReceiver.Point p : ours) {
            assertFalse(p.attributes().values().stream().anyMatch(v -> v != null && v.toUpperCase().contains("SELECT")),
                    "a statement in " + p);
        }
        for (OtlpReceiver.Request r : collector.requests()) {
            assertFalse(new String(r.body(), StandardCharsets.ISO_8859_1).contains(cluster.password()),
                    "the password was sent to the collector in " + r.path());
        }
    }
}
