package dev.awsjca.it;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for an OpenTelemetry collector on 127.0.0.1: takes OTLP over HTTP (protobuf, gzip or not) on
 * any path, keeps every request body, and reads from the metrics requests, with opentelemetry-proto's
 * classes, only what the tests look at: the resource's service.name, the scope, the metric's name, each
 * point's attributes and its value (a histogram point's count).
 */
final class OtlpReceiver implements AutoCloseable {

    /** One data point of a received metric. */
    record Point(String service, String scope, String metric, Map<String, String> attributes, double value) {
    }

    /** One request as received: its path and its body, unzipped. */
    record Request(String path, byte[] body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
                }
                // kept as bytes, not parsed: the tests search every body, logs included, for the password
                requests.add(new Request(exchange.getRequestURI().getPath(), body));
                // an empty Export*ServiceResponse: everything accepted
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The base URL for an exporter's endpoint setting. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Every point of the metrics requests received so far, from the {@code from}th request on. */
    List<Point> points(int from) {
        List<Point> points = new ArrayList<>();
        List<Request> all = requests();
        for (Request r : all.subList(Math.min(from, all.size()), all.size())) {
            if (r.path().endsWith("/v1/metrics")) {
                readMetricsRequest(r.body(), points);
            }
        }
        return points;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void readMetricsRequest(byte[] body, List<Point> points) {
        ExportMetricsServiceRequest request;
        try {
            request = ExportMetricsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new UncheckedIOException(e);
        }
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            String service = attributes(rm.getResource().getAttributesList()).get("service.name");
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                String scope = sm.getScope().getName();
                for (Metric m : sm.getMetricsList()) {
                    // what the adapter's instruments come out as under the SDK's default aggregations
                    List<NumberDataPoint> numbers = m.hasGauge() ? m.getGauge().getDataPointsList()
                            : m.hasSum() ? m.getSum().getDataPointsList() : List.of();
                    for (NumberDataPoint p : numbers) {
                        double value = p.hasAsDouble() ? p.getAsDouble() : p.getAsInt();
                        points.add(new Point(service, scope, m.getName(), attributes(p.getAttributesList()), value));
                    }
                    for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                        points.add(new Point(service, scope, m.getName(), attributes(p.getAttributesList()), p.getCount()));
                    }
                }
            }
        }
    }

    /** Attributes as text; the kinds the adapter never sets (arrays, maps, bytes) as null. */
    private static Map<String, String> attributes(List<KeyValue> keyValues) {
        Map<String, String> attributes = new TreeMap<>();
        for (KeyValue kv : keyValues) {
            AnyValue v = kv.getValue();
            attributes.put(kv.getKey(), switch (v.getValueCase()) {
                case STRING_VALUE -> v.getStringValue();
                case BOOL_VALUE -> String.valueOf(v.getBoolValue());
                case INT_VALUE -> String.valueOf(v.getIntValue());
                case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
                default -> null;
            });
        }
        return attributes;
    }
}
