package dev.awsjca.it;

import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for an OpenTelemetry collector on 127.0.0.1: takes OTLP over HTTP (protobuf, gzip or not) on
 * any path, keeps every request body, and reads from the metrics requests only what the tests look at:
 * the resource's service.name, the scope, the metric's name, each point's attributes and its value (a
 * histogram point's count). Everything else in the messages is skipped by wire type.
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

    // ---- just enough protobuf: ExportMetricsServiceRequest of opentelemetry-proto's metrics/v1

    private static void readMetricsRequest(byte[] request, List<Point> points) {
        for (Field resourceMetrics : Field.all(request, 1)) {
            String service = null;
            for (Field resource : Field.all(resourceMetrics.bytes(), 1)) {
                service = attributes(resource.bytes(), 1).get("service.name");
            }
            for (Field scopeMetrics : Field.all(resourceMetrics.bytes(), 2)) {
                String scope = null;
                for (Field s : Field.all(scopeMetrics.bytes(), 1)) {
                    scope = Field.string(s.bytes(), 1);
                }
                for (Field metric : Field.all(scopeMetrics.bytes(), 2)) {
                    readMetric(service, scope, metric.bytes(), points);
                }
            }
        }
    }

    private static void readMetric(String service, String scope, byte[] metric, List<Point> points) {
        String name = Field.string(metric, 1);
        // gauge 5 and sum 7 hold NumberDataPoints (attributes 7, as_double 4, as_int 6); histogram 9 holds
        // HistogramDataPoints (attributes 9, count 4)
        for (int kind : new int[] {5, 7}) {
            for (Field data : Field.all(metric, kind)) {
                for (Field p : Field.all(data.bytes(), 1)) {
                    double value = 0;
                    for (Field f : Field.all(p.bytes(), 0)) {
                        if (f.number() == 4) {
                            value = Double.longBitsToDouble(f.value());
                        } else if (f.number() == 6) {
                            value = f.value();
                        }
                    }
                    points.add(new Point(service, scope, name, attributes(p.bytes(), 7), value));
                }
            }
        }
        for (Field data : Field.all(metric, 9)) {
            for (Field p : Field.all(data.bytes(), 1)) {
                long count = Field.all(p.bytes(), 4).stream().mapToLong(Field::value).findFirst().orElse(0);
                points.add(new Point(service, scope, name, attributes(p.bytes(), 9), count));
            }
        }
    }

    /** KeyValue fields (key 1, AnyValue 2: string 1, bool 2, int 3, double 4) as text. */
    private static Map<String, String> attributes(byte[] message, int field) {
        Map<String, String> attributes = new TreeMap<>();
        for (Field kv : Field.all(message, field)) {
            String key = Field.string(kv.bytes(), 1);
            String value = null;
            for (Field any : Field.all(kv.bytes(), 2)) {
                for (Field v : Field.all(any.bytes(), 0)) {
                    value = switch (v.number()) {
                        case 1 -> new String(v.bytes(), StandardCharsets.UTF_8);
                        case 2 -> String.valueOf(v.value() != 0);
                        case 3 -> String.valueOf(v.value());
                        case 4 -> String.valueOf(Double.longBitsToDouble(v.value()));
                        default -> value;
                    };
                }
            }
            attributes.put(key, value);
        }
        return attributes;
    }

    /** A protobuf field: its number and either its bytes (wire type 2) or its value (varint, fixed64, fixed32). */
    private record Field(int number, long value, byte[] bytes) {

        /** The fields of a message with this number (0: all of them). */
        static List<Field> all(byte[] message, int number) {
            List<Field> fields = new ArrayList<>();
            ByteBuffer in = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
            while (in.hasRemaining()) {
                long tag = varint(in);
                int n = (int) (tag >>> 3);
                Field f = switch ((int) (tag & 7)) {
                    case 0 -> new Field(n, varint(in), null);
                    case 1 -> new Field(n, in.getLong(), null);
                    case 2 -> {
                        byte[] b = new byte[(int) varint(in)];
                        in.get(b);
                        yield new Field(n, 0, b);
                    }
                    case 5 -> new Field(n, in.getInt() & 0xffffffffL, null);
                    default -> throw new IllegalArgumentException("wire type " + (tag & 7) + " is not protobuf 3");
                };
                if (number == 0 || n == number) {
                    fields.add(f);
                }
            }
            return fields;
        }

        static String string(byte[] message, int number) {
            List<Field> f = all(message, number);
            return f.isEmpty() ? null : new String(f.get(0).bytes(), StandardCharsets.UTF_8);
        }

        private static long varint(ByteBuffer in) {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = in.get();
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
        }
    }
}
