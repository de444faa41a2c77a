package dev.awsjca.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CloudWatch Embedded Metric Format's rules, as its specification states them, checked on one line:
 * a JSON object whose {@code _aws} member holds a Timestamp (epoch milliseconds) and CloudWatchMetrics
 * directives (Namespace; Dimensions: arrays of at most 30 dimension keys; Metrics: Name and a Unit of
 * the allowed set), every dimension key a top-level string member and every metric name a top-level
 * number or array of at most 100 numbers.
 */
final class EmfRules {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
            "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
            "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
            "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None");

    private EmfRules() {
    }

    /** Parses the line and fails the test, saying which rule, if it breaks one. */
    static JsonNode check(String line) throws Exception {
        JsonNode root = JSON.readTree(line);
        assertTrue(root.isObject(), "not a JSON object: " + line);
        JsonNode aws = root.get("_aws");
        assertTrue(aws != null && aws.isObject(), "no _aws object: " + line);
        JsonNode timestamp = aws.get("Timestamp");
        assertTrue(timestamp != null && timestamp.isIntegralNumber(), "_aws.Timestamp is not a whole number: " + line);
        assertTrue(Math.abs(timestamp.asLong() - System.currentTimeMillis()) < 3_600_000, "Timestamp not in epoch ms: " + line);
        JsonNode directives = aws.get("CloudWatchMetrics");
        assertTrue(directives != null && directives.isArray() && !directives.isEmpty(), "no CloudWatchMetrics: " + line);
        for (JsonNode d : directives) {
            JsonNode namespace = d.get("Namespace");
            assertTrue(namespace != null && namespace.isTextual() && !namespace.asText().isBlank(), "no Namespace: " + line);
            JsonNode dimensions = d.get("Dimensions");
            assertTrue(dimensions != null && dimensions.isArray(), "Dimensions is not an array: " + line);
            for (JsonNode set : dimensions) {
                assertTrue(set.isArray() && set.size() <= 30, "a dimension set is not an array of at most 30: " + line);
                for (JsonNode key : set) {
                    assertTrue(key.isTextual(), "a dimension key is not a string: " + line);
                    JsonNode value = root.get(key.asText());
                    assertTrue(value != null && value.isTextual() && !value.asText().isEmpty(),
                            "dimension " + key + " has no top-level string value: " + line);
                }
            }
            JsonNode metrics = d.get("Metrics");
            assertTrue(metrics != null && metrics.isArray() && !metrics.isEmpty(), "no Metrics: " + line);
            Set<String> names = new HashSet<>();
            for (JsonNode m : metrics) {
                JsonNode name = m.get("Name");
                assertTrue(name != null && name.isTextual() && !name.asText().isEmpty(), "a metric has no Name: " + line);
                assertTrue(names.add(name.asText()), "metric " + name + " twice: " + line);
                JsonNode unit = m.get("Unit");
                if (unit != null) {
                    assertTrue(UNITS.contains(unit.asText()), "unit " + unit + " is not an EMF unit: " + line);
                }
                JsonNode value = root.get(name.asText());
                if (value == null) {
                    fail("metric " + name + " has no top-level value: " + line);
                }
                if (value.isArray()) {
                    assertFalse(value.isEmpty(), "metric " + name + " has an empty array: " + line);
                    assertTrue(value.size() <= 100, "metric " + name + " has more than 100 values: " + line);
                    value.forEach(v -> assertTrue(v.isNumber(), "metric " + name + " holds a non-number: " + line));
                } else {
                    assertTrue(value.isNumber(), "metric " + name + " is not a number: " + line);
                }
            }
        }
        return root;
    }

    /** The dimension keys of the line's first directive's first set. */
    static List<String> dimensions(JsonNode line) {
        List<String> keys = new java.util.ArrayList<>();
        line.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").get(0).forEach(k -> keys.add(k.asText()));
        return keys;
    }

    static void assertUnit(JsonNode line, String metric, String unit) {
        for (JsonNode m : line.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics")) {
            if (m.get("Name").asText().equals(metric)) {
                assertEquals(unit, m.get("Unit").asText(), metric);
                return;
            }
        }
        fail("no metric " + metric + " in " + line);
    }
}
