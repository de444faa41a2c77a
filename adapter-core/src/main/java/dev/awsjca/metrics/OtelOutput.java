package dev.awsjca.metrics;

import dev.awsjca.topology.HostHealth;
import dev.awsjca.topology.HostRole;
import dev.awsjca.topology.HostSpec;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code telemetry=otel}: the metrics through the OpenTelemetry API, to the SDK the server gave the rar
 * ({@link ServerOpenTelemetry}: WildFly's opentelemetry subsystem) or else to whatever SDK the application
 * or an agent registered as GlobalOpenTelemetry (nothing until one is there: the instruments are made on
 * the first event after it is). The only class that touches the API, made by reflection, so that the API
 * jar is needed only with telemetry=otel. Names: the semantic conventions' where they exist
 * ({@code db.client.connection.*}), else under {@code awsjca.}; see docs/METRICS.md.
 */
final class OtelOutput implements EventSink {

    static final String SCOPE = "dev.awsjca";
    static final AttributeKey<String> POOL = AttributeKey.stringKey("db.client.connection.pool.name");
    static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("awsjca.cluster");
    static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("awsjca.instance");
    static final AttributeKey<String> ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("awsjca.failover.outcome");
    static final AttributeKey<String> CAUSE = AttributeKey.stringKey("awsjca.failover.cause");
    static final AttributeKey<String> PLUGIN = AttributeKey.stringKey("awsjca.credentials.plugin");
    static final AttributeKey<String> FETCH_OUTCOME = AttributeKey.stringKey("awsjca.credentials.outcome");
    static final AttributeKey<String> ROLE = AttributeKey.stringKey("awsjca.host.role");
    static final AttributeKey<String> STATE = AttributeKey.stringKey("awsjca.host.state");
    /** Seconds: from a fast crash detection (0.1 s) to failoverTimeoutMs's default (60 s). */
    static final List<Double> BUCKETS_S = List.of(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0);

    private final MetricsRegistry registry;
    private final boolean global; // the API can tell whether a global SDK is registered
    private volatile Instruments instruments; // made once an SDK is there
    private volatile boolean closed;

    OtelOutput(MetricsRegistry registry) {
        // fails here, with NoClassDefFoundError, when the API is not on the class path. Before 1.57 the API
        // could only ask GlobalOpenTelemetry.get(), which registers a no-op for good when nothing is set yet
        // (a later registration by the application would then fail): with such an API only the server's
        // own SDK is used, and without one the definition is refused rather than silently recording nothing
        global = hasIsSet();
        ServerOpenTelemetry.State server = ServerOpenTelemetry.state();
        if (!global && server != ServerOpenTelemetry.State.STARTING && server != ServerOpenTelemetry.State.GIVEN) {
            throw new IllegalStateException("Property 'telemetry' is otel, but the OpenTelemetry API the adapter sees is"
                    + " older than 1.57 (it has no GlobalOpenTelemetry.isSet()) and the server gave the adapter no"
                    + " OpenTelemetry of its own: on WildFly enable the opentelemetry subsystem (docs/METRICS.md),"
                    + " elsewhere make an API of 1.57 or later visible to the adapter, or set telemetry to jmx or emf");
        }
        this.registry = registry;
    }

    private static boolean hasIsSet() {
        try {
            GlobalOpenTelemetry.class.getMethod("isSet");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private final class Instruments {
        final LongCounter failovers;
        final DoubleHistogram failoverDuration;
        final DoubleHistogram writerSearch;
        final DoubleHistogram detection;
        final LongCounter topologyChanges;
        final LongCounter credentialFetches;
        final LongCounter routed;
        final DoubleHistogram createTime;
        final List<AutoCloseable> observers = new ArrayList<>();

        Instruments(Meter meter) {
            failovers = meter.counterBuilder("awsjca.failover.count").setUnit("{failover}")
                    .setDescription("Failovers of connections, by outcome and cause").build();
            failoverDuration = meter.histogramBuilder("awsjca.failover.duration").setUnit("s")
                    .setDescription("How long a connection's failover took, from the error to a connection on the new host")
                    .setExplicitBucketBoundariesAdvice(BUCKETS_S).build();
            writerSearch = meter.histogramBuilder("awsjca.cluster.writer_search.duration").setUnit("s")
                    .setDescription("From the writer reported lost to a new writer confirmed")
                    .setExplicitBucketBoundariesAdvice(BUCKETS_S).build();
            detection = meter.histogramBuilder("awsjca.host.detection.duration").setUnit("s")
                    .setDescription("From a host's first failed or missed probe to the host declared down")
                    .setExplicitBucketBoundariesAdvice(BUCKETS_S).build();
            topologyChanges = meter.counterBuilder("awsjca.cluster.topology.changes").setUnit("{change}")
                    .setDescription("Times the writer or the set of hosts of a cluster changed").build();
            credentialFetches = meter.counterBuilder("awsjca.credentials.fetches").setUnit("{fetch}")
                    .setDescription("IAM tokens minted and secrets read, by plugin and outcome").build();
            routed = meter.counterBuilder("awsjca.routed").setUnit("{statement}")
                    .setDescription("Statements and transactions routed by read/write splitting, by host role").build();
            createTime = meter.histogramBuilder("db.client.connection.create_time").setUnit("s")
                    .setDescription("The time it took to create a new connection")
                    .setExplicitBucketBoundariesAdvice(BUCKETS_S).build();
            observers.add(meter.upDownCounterBuilder("awsjca.connection.count").setUnit("{connection}")
                    .setDescription("Connections open now, per definition and host (idle in a pool or in use)")
                    .buildWithCallback(m -> {
                        for (DefinitionMetrics d : registry.definitions()) {
                            if (d.telemetry() == Telemetry.OTEL) {
                                d.connectionsByHostSpec().forEach((host, n) -> m.record(n, hostAttributes(d.cluster(), host)
                                        .put(POOL, d.getName()).build()));
                            }
                        }
                    }));
            observers.add(meter.gaugeBuilder("awsjca.host.round_trip").setUnit("s")
                    .setDescription("The monitor's probes' round trip to a host, smoothed over the last eight")
                    .buildWithCallback(m -> eachHost((cluster, host, health) -> {
                        if (health.averageLatencyNanos() >= 0) {
                            m.record(health.averageLatencyNanos() / 1e9, hostAttributes(cluster.key(), host).build());
                        }
                    })));
            observers.add(meter.gaugeBuilder("awsjca.host.state").ofLongs().setUnit("1")
                    .setDescription("1 for a host's current state (up, suspect, down), 0 for the others")
                    .buildWithCallback(m -> eachHost((cluster, host, health) -> {
                        for (HostHealth.State s : HostHealth.State.values()) {
                            m.record(health.state() == s ? 1 : 0, hostAttributes(cluster.key(), host)
                                    .put(STATE, s.name().toLowerCase(Locale.ROOT)).build());
                        }
                    })));
        }
    }

    private interface HostVisitor {
        void visit(ClusterMetrics cluster, HostSpec host, HostHealth health);
    }

    private void eachHost(HostVisitor visitor) {
        for (ClusterMetrics c : registry.clusters()) {
            for (Map.Entry<String, HostSpec> e : c.hosts().entrySet()) {
                HostHealth h = c.health(e.getKey());
                HostSpec host = e.getValue() != null ? e.getValue() : MetricsRegistry.parseEndpoint(e.getKey());
                if (h != null && host != null) {
                    visitor.visit(c, host, h);
                }
            }
        }
    }

    private static AttributesBuilder hostAttributes(String cluster, HostSpec host) {
        AttributesBuilder b = Attributes.builder().put(CLUSTER, cluster);
        if (host != null) {
            b.put(INSTANCE, MetricsRegistry.instance(host)).put(ADDRESS, host.host()).put(PORT, (long) host.port());
        }
        return b;
    }

    /** The instruments once an SDK is there, else null (the events are dropped, as a no-op SDK would). */
    private Instruments instruments() {
        Instruments i = instruments;
        if (i == null && !closed) {
            OpenTelemetry sdk = sdk();
            if (sdk != null) {
                synchronized (this) {
                    if (instruments == null && !closed) {
                        instruments = new Instruments(sdk.meterBuilder(SCOPE).build());
                    }
                    i = instruments;
                }
            }
        }
        return i;
    }

    /** The server's SDK, else the registered global one (never GlobalOpenTelemetry.get()); null while neither is there. */
    private OpenTelemetry sdk() {
        Object server = ServerOpenTelemetry.get();
        if (server != null) {
            return (OpenTelemetry) server;
        }
        return global && GlobalOpenTelemetry.isSet() ? GlobalOpenTelemetry.getOrNoop() : null;
    }

    /** Makes the instruments now if an SDK is there, so that the observed gauges are read from the start. */
    void bind() {
        instruments();
    }

    @Override
    public void failover(DefinitionMetrics definition, String cluster, long nanos, boolean success, FailoverCause cause) {
        Instruments i = instruments();
        if (i != null) {
            Attributes a = Attributes.of(POOL, definition.getName(), CLUSTER, cluster, OUTCOME, DefinitionMetrics.outcome(success),
                    CAUSE, cause.label());
            i.failovers.add(1, a);
            i.failoverDuration.record(nanos / 1e9, a);
        }
    }

    @Override
    public void credentialFetch(DefinitionMetrics definition, String plugin, boolean success) {
        Instruments i = instruments();
        if (i != null) {
            i.credentialFetches.add(1, Attributes.of(POOL, definition.getName(), PLUGIN, plugin, FETCH_OUTCOME,
                    DefinitionMetrics.outcome(success)));
        }
    }

    @Override
    public void routed(DefinitionMetrics definition, HostRole role) {
        Instruments i = instruments();
        if (i != null) {
            i.routed.add(1, Attributes.of(POOL, definition.getName(), CLUSTER, definition.cluster(), ROLE,
                    role.name().toLowerCase(Locale.ROOT)));
        }
    }

    @Override
    public void connectionCreated(DefinitionMetrics definition, long nanos) {
        Instruments i = instruments();
        if (i != null) {
            i.createTime.record(nanos / 1e9, Attributes.of(POOL, definition.getName()));
        }
    }

    @Override
    public void topologyChanged(ClusterMetrics cluster) {
        Instruments i = instruments();
        if (i != null) {
            i.topologyChanges.add(1, Attributes.of(CLUSTER, cluster.key()));
        }
    }

    @Override
    public void writerFound(ClusterMetrics cluster, long nanos) {
        Instruments i = instruments();
        if (i != null) {
            i.writerSearch.record(nanos / 1e9, Attributes.of(CLUSTER, cluster.key()));
        }
    }

    @Override
    public void hostDown(ClusterMetrics cluster, HostSpec host, long detectionNanos) {
        Instruments i = instruments();
        if (i != null) {
            i.detection.record(detectionNanos / 1e9, hostAttributes(cluster.key(), host).build());
        }
    }

    /** Stops the observed gauges' callbacks (the adapter stops). */
    @Override
    public synchronized void close() {
        closed = true;
        Instruments i = instruments;
        if (i != null) {
            for (AutoCloseable o : i.observers) {
                try {
                    o.close();
                } catch (Exception ignored) {
                    // the SDK's own: nothing to add
                }
            }
        }
    }
}
