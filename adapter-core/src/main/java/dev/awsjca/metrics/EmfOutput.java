package dev.awsjca.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.awsjca.pipeline.AdapterThreads;
import dev.awsjca.topology.HostHealth;
import dev.awsjca.topology.HostRole;
import dev.awsjca.topology.HostSpec;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code telemetry=emf}: every interval, CloudWatch Embedded Metric Format lines on logger
 * {@value #LOGGER}, which the CloudWatch agent (or CloudWatch Logs) turns into metrics: the adapter calls
 * no AWS API. A line holds one value per dimension, so there is one line per cluster, per definition,
 * per host and per definition on a host (and per failover outcome and cause in an interval that had
 * failovers). Counts are per interval; gauges are the value at the end of it.
 */
final class EmfOutput implements AutoCloseable {

    static final String LOGGER = "dev.awsjca.metrics.emf";
    static final String NAMESPACE = "AwsAdvancedJca";
    private static final System.Logger OUT = System.getLogger(LOGGER);
    private static final System.Logger LOG = System.getLogger(EmfOutput.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetricsRegistry registry;
    private final long intervalS;
    private final ScheduledExecutorService timer;
    private final Map<String, Long> previous = new HashMap<>(); // only the timer thread (and close, after it)

    EmfOutput(MetricsRegistry registry, long intervalS) {
        this.registry = registry;
        this.intervalS = intervalS;
        // started on whatever thread enables EMF first, often an application's request thread: never its loader
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> AdapterThreads.newThread(r, "aws-jca-metrics-emf"));
        timer.scheduleAtFixedRate(this::writeSafely, intervalS, intervalS, TimeUnit.SECONDS);
    }

    long intervalS() {
        return intervalS;
    }

    private void writeSafely() {
        try {
            write();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not write the EMF metrics lines", e);
        }
    }

    /** One interval's lines. */
    synchronized void write() {
        long now = System.currentTimeMillis();
        Set<String> clusters = new LinkedHashSet<>();
        for (DefinitionMetrics d : registry.definitions()) {
            if (d.telemetry() != Telemetry.EMF) {
                continue;
            }
            String cluster = d.cluster().isEmpty() ? "none" : d.cluster();
            if (!d.cluster().isEmpty()) {
                clusters.add(d.cluster());
            }
            writeDefinition(now, cluster, d);
        }
        for (ClusterMetrics c : registry.clusters()) {
            if (clusters.contains(c.key())) {
                writeCluster(now, c);
            }
        }
    }

    private void writeDefinition(long now, String cluster, DefinitionMetrics d) {
        String id = "d|" + d.getName() + "|";
        Line line = new Line(now, List.of("cluster", "definition")).dimension("cluster", cluster)
                .dimension("definition", d.getName());
        line.count("Failovers", delta(id + "failovers", d.getFailoversSucceeded() + d.getFailoversFailed()));
        line.count("FailoversFailed", delta(id + "failed", d.getFailoversFailed()));
        long fetches = 0;
        long failures = 0;
        for (CredentialFetches c : d.credentialFetches()) {
            fetches += c.succeededCount() + c.failedCount();
            failures += c.failedCount();
        }
        line.count("CredentialFetches", delta(id + "fetches", fetches));
        line.count("CredentialFetchFailures", delta(id + "fetchFailures", failures));
        line.count("RoutedToWriter", delta(id + "writer", d.routedCount(HostRole.WRITER)));
        line.count("RoutedToReader", delta(id + "reader", d.routedCount(HostRole.READER)));
        line.count("ConnectionsOpen", d.getConnections());
        line.emit();

        Map<String, Long> counts = d.failoverCounts();
        for (Map.Entry<String, Durations> e : d.failoverTimesByKind().entrySet()) {
            long n = delta(id + "kind|" + e.getKey(), counts.getOrDefault(e.getKey(), 0L));
            List<Double> times = e.getValue().drain();
            if (n == 0 && times.isEmpty()) {
                continue;
            }
            String[] outcomeAndCause = e.getKey().split("/", 2);
            new Line(now, List.of("cluster", "definition", "outcome", "cause")).dimension("cluster", cluster)
                    .dimension("definition", d.getName()).dimension("outcome", outcomeAndCause[0])
                    .dimension("cause", outcomeAndCause[1]).count("Failovers", n).millis("FailoverTime", times).emit();
        }

        for (Map.Entry<HostSpec, Integer> e : d.connectionsByHostSpec().entrySet()) {
            String key = id + "open|" + e.getKey().endpoint();
            Long before = previous.put(key, (long) e.getValue());
            if (e.getValue() == 0 && (before == null || before == 0)) {
                continue; // nothing there now or at the last line
            }
            new Line(now, List.of("cluster", "instance", "definition")).dimension("cluster", cluster)
                    .dimension("instance", MetricsRegistry.instance(e.getKey())).dimension("definition", d.getName())
                    .field("endpoint", e.getKey().endpoint()).count("ConnectionsOpen", e.getValue()).emit();
        }
    }

    private void writeCluster(long now, ClusterMetrics c) {
        String id = "c|" + c.key() + "|";
        new Line(now, List.of("cluster")).dimension("cluster", c.key())
                .count("TopologyChanges", delta(id + "changes", c.topologyChangeCount()))
                .count("WriterSearches", delta(id + "searches", c.getWriterSearches()))
                .millis("WriterSearchTime", c.writerSearchTimes().drain())
                .emit();
        for (Map.Entry<String, HostSpec> e : c.hosts().entrySet()) {
            String endpoint = e.getKey();
            HostSpec host = e.getValue() != null ? e.getValue() : MetricsRegistry.parseEndpoint(endpoint);
            Durations detections = c.detectionTimesByHost().get(endpoint);
            List<Double> times = detections == null ? List.of() : detections.drain();
            HostHealth health = c.health(endpoint);
            if (host == null || (health == null && times.isEmpty())) {
                continue;
            }
            Line line = new Line(now, List.of("cluster", "instance")).dimension("cluster", c.key())
                    .dimension("instance", MetricsRegistry.instance(host)).field("endpoint", endpoint)
                    .count("Detections", times.size()).millis("DetectionTime", times);
            if (health != null) {
                line.field("state", ClusterMetrics.state(health)).none("HostDown", health.state() == HostHealth.State.DOWN ? 1 : 0);
                if (health.averageLatencyNanos() >= 0) {
                    line.millis("RoundTripTime", List.of(health.averageLatencyNanos() / 1e6));
                }
            }
            line.emit();
        }
    }

    private long delta(String key, long total) {
        Long before = previous.put(key, total);
        return total - (before == null ? 0 : before);
    }

    /** One EMF document: the directive under _aws, and every dimension and metric as a top-level member. */
    private static final class Line {
        private final ObjectNode root = JSON.createObjectNode();
        private final ArrayNode metrics;

        Line(long timestampMs, List<String> dimensions) {
            ObjectNode aws = root.putObject("_aws");
            aws.put("Timestamp", timestampMs);
            ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
            directive.put("Namespace", NAMESPACE);
            ArrayNode set = directive.putArray("Dimensions").addArray();
            dimensions.forEach(set::add);
            metrics = directive.putArray("Metrics");
        }

        Line dimension(String name, String value) {
            root.put(name, value);
            return this;
        }

        Line field(String name, String value) {
            root.put(name, value);
            return this;
        }

        Line count(String name, long value) {
            metric(name, "Count");
            root.put(name, value);
            return this;
        }

        Line none(String name, long value) {
            metric(name, "None");
            root.put(name, value);
            return this;
        }

        /** Values in milliseconds; left out when there are none (a metric needs a value). */
        Line millis(String name, List<Double> values) {
            if (!values.isEmpty()) {
                metric(name, "Milliseconds");
                ArrayNode a = root.putArray(name);
                values.forEach(a::add);
            }
            return this;
        }

        private void metric(String name, String unit) {
            metrics.addObject().put("Name", name).put("Unit", unit);
        }

        void emit() {
            OUT.log(Level.INFO, root.toString());
        }
    }

    /** Writes the last interval's lines and stops. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeSafely();
    }
}
