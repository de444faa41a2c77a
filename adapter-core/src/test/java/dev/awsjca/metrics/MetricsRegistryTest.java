package dev.awsjca.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.WrapperConfig;
import dev.awsjca.topology.HostRole;
import dev.awsjca.topology.HostSpec;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics' configuration, their lifecycle, and what the EMF lines hold, without a database. */
class MetricsRegistryTest {

    private static final String URL = "jdbc:aws-wrapper:postgresql://db.example.com:5432/orders";

    private static WrapperConfig config(String parameters) {
        return WrapperConfig.from(URL + parameters, new Properties());
    }

    @Test
    void badTelemetrySettingsAreRefusedNamingTheProperty() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> config("?telemetry=prometheus"));
        assertEquals("telemetry", e.property());
        assertTrue(e.getMessage().contains("one of jmx, otel, emf"), e.getMessage());
        e = assertThrows(ConfigurationException.class, () -> config("?telemetryIntervalS=0"));
        assertEquals("telemetryIntervalS", e.property());
        assertTrue(e.getMessage().contains("from 1 to 3600"), e.getMessage());
        e = assertThrows(ConfigurationException.class, () -> config("?definitionName=%20"));
        assertEquals("definitionName", e.property());
        e = assertThrows(ConfigurationException.class, () -> config("?definitionName=a%0Ab"));
        assertEquals("definitionName", e.property());
    }

    @Test
    void aDefinitionIsNamedByItsPropertyElseByItsFirstHostAndDatabase() {
        assertEquals("db.example.com:5432/orders", MetricsRegistry.nameOf(config("")));
        assertEquals("orders-pool", MetricsRegistry.nameOf(config("?definitionName=orders-pool")));
    }

    @Test
    void aDefinitionShowsInJmxUntilItsRegistryCloses() throws Exception {
        var server = ManagementFactory.getPlatformMBeanServer();
        var name = MetricsRegistry.definitionName("registry-test \"quoted\", name=x");
        MetricsRegistry registry = new MetricsRegistry();
        DefinitionMetrics d = registry.definition(config("?definitionName=" + java.net.URLEncoder.encode(
                "registry-test \"quoted\", name=x", java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(server.isRegistered(name));
        d.routed(HostRole.READER);
        assertEquals(1L, ((javax.management.openmbean.TabularData) server.getAttribute(name, "Routed")).values().stream()
                .map(v -> (javax.management.openmbean.CompositeData) v).filter(c -> c.get("key").equals("reader"))
                .map(c -> c.get("value")).findFirst().orElseThrow());
        registry.close();
        assertFalse(server.isRegistered(name));
    }

    @Test
    void emfLinesCountEachEventOnceAndStopWithTheRegistry() throws Exception {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(EmfOutput.LOGGER);
        logger.addHandler(capture);
        MetricsRegistry registry = new MetricsRegistry();
        try {
            DefinitionMetrics d = registry.definition(config("?telemetry=emf&telemetryIntervalS=3600&definitionName=emf-unit"));
            HostSpec host = new HostSpec("db.example.com", 5432, HostRole.WRITER, "instance-1");
            d.connectionOpened(host, TimeUnit.MILLISECONDS.toNanos(12));
            d.failover("aurora-postgresql@?.example.com", TimeUnit.MILLISECONDS.toNanos(1500), false,
                    new SQLException("cannot execute INSERT in a read-only transaction", "25006"));
            d.credentials("iam").failed();
            d.credentials("secretsManager").succeeded();
            d.routed(HostRole.READER);
            d.routed(HostRole.WRITER);
            d.routed(HostRole.WRITER);
        } finally {
            registry.close(); // writes the last interval, the only one here
            logger.removeHandler(capture);
        }
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("aws-jca-metrics-emf") && t.isAlive()),
                "the EMF thread stopped with its registry");
        ObjectMapper json = new ObjectMapper();
        JsonNode totals = null;
        JsonNode breakdown = null;
        JsonNode perHost = null;
        for (String line : lines) {
            JsonNode l = json.readTree(line);
            if (!"emf-unit".equals(l.path("definition").asText())) {
                continue;
            }
            if (l.has("cause")) {
                breakdown = l;
            } else if (l.has("instance")) {
                perHost = l;
            } else {
                totals = l;
            }
        }
        assertEquals(1, totals.get("Failovers").asLong());
        assertEquals(1, totals.get("FailoversFailed").asLong());
        assertEquals(2, totals.get("CredentialFetches").asLong());
        assertEquals(1, totals.get("CredentialFetchFailures").asLong());
        assertEquals(2, totals.get("RoutedToWriter").asLong());
        assertEquals(1, totals.get("RoutedToReader").asLong());
        assertEquals("aurora-postgresql@?.example.com", totals.get("cluster").asText());
        assertEquals("failed", breakdown.get("outcome").asText());
        assertEquals("writer_demoted", breakdown.get("cause").asText());
        assertEquals(1500.0, breakdown.get("FailoverTime").get(0).asDouble(), 0.001);
        assertEquals("instance-1", perHost.get("instance").asText());
        assertEquals(1, perHost.get("ConnectionsOpen").asInt());
        assertFalse(String.join("\n", lines).contains("INSERT"), "no statement text in a line");
    }

    /**
     * With the API jar missing, only telemetry=otel needs it, and it fails naming the property: run in a
     * class loader that has the adapter's classes and dependencies but not io.opentelemetry.
     */
    @Test
    void withoutTheOpenTelemetryApiOnlyOtelIsRefusedNamingTheProperty() throws Exception {
        List<URL> urls = new ArrayList<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.contains("opentelemetry") && !entry.contains("test-classes")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> isolated.loadClass("io.opentelemetry.api.GlobalOpenTelemetry"));
            Class<?> configClass = isolated.loadClass(WrapperConfig.class.getName());
            Method from = configClass.getMethod("from", String.class, Properties.class);
            Class<?> registryClass = isolated.loadClass(MetricsRegistry.class.getName());
            Object registry = registryClass.getConstructor().newInstance();
            Method definition = registryClass.getMethod("definition", configClass);
            try {
                for (String telemetry : List.of("jmx", "emf")) {
                    definition.invoke(registry, from.invoke(null, URL + "?definitionName=no-otel-" + telemetry
                            + "&telemetry=" + telemetry, new Properties()));
                }
                InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> definition.invoke(registry,
                        from.invoke(null, URL + "?definitionName=no-otel-otel&telemetry=otel", new Properties())));
                assertEquals(ConfigurationException.class.getName(), e.getCause().getClass().getName());
                assertTrue(e.getCause().getMessage().startsWith("Property 'telemetry' is otel, but the OpenTelemetry API"),
                        e.getCause().getMessage());
            } finally {
                registryClass.getMethod("close").invoke(registry);
            }
        }
    }

    /** WildFly's way: the SDK the server's CDI container gave the rar takes the metrics; no global is registered. */
    @Test
    void aServersOpenTelemetryTakesTheMetricsAndNoGlobalIsRegistered() {
        GlobalOpenTelemetry.resetForTest();
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
        MetricsRegistry registry = new MetricsRegistry();
        try {
            ServerOpenTelemetry.starting();
            ServerOpenTelemetry.started(sdk);
            DefinitionMetrics d = registry.definition(config("?telemetry=otel&definitionName=server-otel"));
            d.connectionOpened(new HostSpec("db.example.com", 5432, HostRole.WRITER, "instance-1"), TimeUnit.MILLISECONDS.toNanos(12));
            MetricData created = reader.collectAllMetrics().stream()
                    .filter(m -> m.getName().equals("db.client.connection.create_time")).findFirst().orElseThrow();
            assertEquals(OtelOutput.SCOPE, created.getInstrumentationScopeInfo().getName());
            assertEquals("server-otel", created.getHistogramData().getPoints().iterator().next().getAttributes().get(OtelOutput.POOL));
            assertFalse(GlobalOpenTelemetry.isSet(), "the adapter registered a global OpenTelemetry");
        } finally {
            registry.close();
            ServerOpenTelemetry.reset();
            sdk.close();
        }
    }

    /**
     * With an API older than 1.57 (1.56 here; WildFly 39 has 1.48), which cannot tell whether a global SDK is
     * registered without registering a no-op: refused, naming the property, unless the server gave its own
     * SDK; then the instruments are made on it, and the global stays free for the application to set.
     */
    @Test
    void withAnApiOlderThan157OnlyTheServersOpenTelemetryIsUsed() throws Exception {
        List<URL> urls = new ArrayList<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.contains("opentelemetry") && !entry.contains("test-classes")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        File[] oldApi = new File("target/old-opentelemetry-api").listFiles();
        assertEquals(2, oldApi == null ? 0 : oldApi.length, "the build copies opentelemetry-api and -context 1.56.0 there");
        for (File jar : oldApi) {
            urls.add(jar.toURI().toURL());
        }
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> global = isolated.loadClass("io.opentelemetry.api.GlobalOpenTelemetry");
            assertFalse(Arrays.stream(global.getMethods()).anyMatch(m -> m.getName().equals("isSet")), "an API before 1.57");
            Class<?> configClass = isolated.loadClass(WrapperConfig.class.getName());
            Method from = configClass.getMethod("from", String.class, Properties.class);
            Class<?> registryClass = isolated.loadClass(MetricsRegistry.class.getName());
            Class<?> server = isolated.loadClass(ServerOpenTelemetry.class.getName());
            Object registry = registryClass.getConstructor().newInstance();
            Method definition = registryClass.getMethod("definition", configClass);
            try {
                InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> definition.invoke(registry,
                        from.invoke(null, URL + "?definitionName=old-api&telemetry=otel", new Properties())));
                assertEquals(ConfigurationException.class.getName(), e.getCause().getClass().getName());
                assertTrue(e.getCause().getMessage().startsWith("Property 'telemetry' is otel, but the OpenTelemetry API the"
                        + " adapter sees is older than 1.57"), e.getCause().getMessage());

                // a JCA container made a connection definition: its CDI container may still give an SDK (WildFly's
                // recovery asks for a connection before that), so not refused in that window
                isolated.loadClass("dev.awsjca.ra.AwsManagedConnectionFactory").getConstructor().newInstance();
                definition.invoke(registry, from.invoke(null, URL + "?definitionName=old-api-deploying&telemetry=otel", new Properties()));

                Class<?> api = isolated.loadClass("io.opentelemetry.api.OpenTelemetry");
                Object noop = api.getMethod("noop").invoke(null);
                server.getMethod("started", Object.class).invoke(null, noop);
                definition.invoke(registry, from.invoke(null, URL + "?definitionName=old-api-server&telemetry=otel", new Properties()));
                // set() refuses a second global: it works only if the adapter registered none
                global.getMethod("set", api).invoke(null, noop);
            } finally {
                registryClass.getMethod("close").invoke(registry);
            }
        }
    }
}
